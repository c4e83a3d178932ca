package dev.trustcontracts.pki;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the PKI's current server certificate; {@link #use} swaps in a renewed one for new handshakes.
 * Aliases carry the generation they were chosen from, so a handshake that straddles a swap still gets
 * the key that belongs to its certificate.
 */
final class SwappableKeyManager extends X509ExtendedKeyManager {
    private record Generation(int number, X509ExtendedKeyManager keys) {
    }

    private record Tagged(Generation generation, String alias) {
    }

    private volatile Generation current;
    private volatile Generation previous;
    private volatile Runnable beforeChoosing = () -> { };

    SwappableKeyManager(Credential credential, X509Certificate root) {
        use(credential, root);
    }

    /**
     * Runs before every handshake chooses a certificate: the PKI looks at its rotation state there, so that
     * the first handshake after a rotation finished already gets a certificate from the new root.
     */
    void beforeChoosing(Runnable check) {
        this.beforeChoosing = check;
    }

    private Generation fresh() {
        try {
            beforeChoosing.run();
        } catch (RuntimeException e) {
            // the check logs its own failures; the handshake goes on with the current certificate
        }
        return current;
    }

    synchronized void use(Credential credential, X509Certificate root) {
        try {
            char[] none = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            // the root goes with the leaf: an agent pinning only its fingerprint finds it in the chain
            ks.setKeyEntry("identity", credential.privateKey(), none,
                    new X509Certificate[] {credential.certificate(), root});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, none);
            previous = current;
            current = new Generation(current == null ? 0 : current.number() + 1,
                    (X509ExtendedKeyManager) kmf.getKeyManagers()[0]);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new PkiException("cannot use the PKI's server certificate: " + e.getMessage(), e);
        }
    }

    private static String tag(Generation g, String alias) {
        return alias == null ? null : g.number() + "/" + alias;
    }

    private static String[] tag(Generation g, String[] aliases) {
        if (aliases == null) {
            return null;
        }
        String[] out = new String[aliases.length];
        for (int i = 0; i < aliases.length; i++) {
            out[i] = tag(g, aliases[i]);
        }
        return out;
    }

    /** The generation and the key manager's own alias behind a tagged alias; null when unknown. */
    private Tagged untag(String alias) {
        int slash = alias == null ? -1 : alias.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String n = alias.substring(0, slash);
        for (Generation g : new Generation[] {current, previous}) {
            if (g != null && String.valueOf(g.number()).equals(n)) {
                return new Tagged(g, alias.substring(slash + 1));
            }
        }
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null; // a server identity only
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        Generation g = fresh();
        return tag(g, g.keys().getServerAliases(keyType, issuers));
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        Generation g = fresh();
        return tag(g, g.keys().chooseServerAlias(keyType, issuers, socket));
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        Generation g = fresh();
        return tag(g, g.keys().chooseEngineServerAlias(keyType, issuers, engine));
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Tagged t = untag(alias);
        return t == null ? null : t.generation().keys().getCertificateChain(t.alias());
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Tagged t = untag(alias);
        return t == null ? null : t.generation().keys().getPrivateKey(t.alias());
    }
}
