package dev.trustcontracts.core.tls;

import dev.trustcontracts.core.crypto.KeyMatch;
import dev.trustcontracts.core.crypto.Pem;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents an agent's {@code cert.pem}/{@code key.pem}, re-read after the agent renews them.
 *
 * <p>Two races a renewal opens, both closed here (each made a real handshake fail in the rotation proof):
 * <ul>
 *   <li>The agent replaces the two files one after the other (each atomically), so a reload between the two
 *       renames would pair the new key with the old certificate: a pair whose key does not fit the leaf is not
 *       taken, the last good pair stays in force, and the next handshake tries again.</li>
 *   <li>JSSE asks for the alias, then the chain, then the key, in separate calls: a reload between them would
 *       send one pair's certificate and sign with the other's key. The files are looked at only when an alias
 *       is chosen, and the alias names the loaded pair ({@code g<generation>:<alias>}), so the chain and the key
 *       of one handshake always come from the same pair, even while another handshake loads a newer one.</li>
 * </ul>
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
    /** Pairs kept for handshakes still in progress: a handshake outliving this many reloads is not plausible. */
    private static final int KEEP = 4;

    private final Path certPem;
    private final Path keyPem;
    private final Map<Long, Loaded> recent = new ConcurrentHashMap<>();
    private volatile Loaded current;

    private record Loaded(long generation, FileTime certModified, FileTime keyModified, X509ExtendedKeyManager delegate) {
        String tag(String alias) {
            return alias == null ? null : "g" + generation + ":" + alias;
        }
    }

    public ReloadingKeyManager(Path certPem, Path keyPem) throws IOException, GeneralSecurityException {
        this.certPem = certPem;
        this.keyPem = keyPem;
        this.current = load(0);
        recent.put(0L, current);
    }

    private Loaded load(long generation) throws IOException, GeneralSecurityException {
        FileTime c = Files.getLastModifiedTime(certPem);
        FileTime k = Files.getLastModifiedTime(keyPem);
        List<X509Certificate> chain = Pem.certificates(PemTls.read(certPem));
        PrivateKey key = Pem.privateKey(PemTls.read(keyPem));
        if (chain.isEmpty() || !KeyMatch.fits(key, chain.get(0))) {
            throw new GeneralSecurityException(keyPem + " does not hold the key of the certificate in " + certPem);
        }
        return new Loaded(generation, c, k, PemTls.keyManager(chain, key));
    }

    /** The current pair, reloaded first when a file changed. */
    private Loaded fresh() {
        Loaded l = current;
        try {
            if (!Files.getLastModifiedTime(certPem).equals(l.certModified())
                    || !Files.getLastModifiedTime(keyPem).equals(l.keyModified())) {
                synchronized (this) {
                    l = current;
                    if (!Files.getLastModifiedTime(certPem).equals(l.certModified())
                            || !Files.getLastModifiedTime(keyPem).equals(l.keyModified())) {
                        l = load(l.generation() + 1);
                        recent.put(l.generation(), l);
                        recent.remove(l.generation() - KEEP);
                        current = l;
                    }
                }
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // a renewal in progress (key replaced, cert not yet, or a file unreadable): keep the last good pair
        }
        return l;
    }

    /** The pair an alias from {@link #chooseClientAlias} or {@link #chooseServerAlias} names, and its own alias. */
    private Map.Entry<Loaded, String> pairOf(String alias) {
        if (alias != null && alias.startsWith("g")) {
            int colon = alias.indexOf(':');
            if (colon > 1) {
                try {
                    Loaded l = recent.get(Long.parseLong(alias.substring(1, colon)));
                    if (l != null) {
                        return Map.entry(l, alias.substring(colon + 1));
                    }
                } catch (NumberFormatException e) {
                    // not one of ours
                }
            }
        }
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        Loaded l = fresh();
        String[] a = l.delegate().getClientAliases(keyType, issuers);
        return a == null ? null : java.util.Arrays.stream(a).map(l::tag).toArray(String[]::new);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        Loaded l = fresh();
        return l.tag(l.delegate().chooseClientAlias(keyType, issuers, socket));
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        Loaded l = fresh();
        return l.tag(l.delegate().chooseEngineClientAlias(keyType, issuers, engine));
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        Loaded l = fresh();
        String[] a = l.delegate().getServerAliases(keyType, issuers);
        return a == null ? null : java.util.Arrays.stream(a).map(l::tag).toArray(String[]::new);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        Loaded l = fresh();
        return l.tag(l.delegate().chooseServerAlias(keyType, issuers, socket));
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        Loaded l = fresh();
        return l.tag(l.delegate().chooseEngineServerAlias(keyType, issuers, engine));
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Map.Entry<Loaded, String> p = pairOf(alias);
        return p == null ? null : p.getKey().delegate().getCertificateChain(p.getValue());
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Map.Entry<Loaded, String> p = pairOf(alias);
        return p == null ? null : p.getKey().delegate().getPrivateKey(p.getValue());
    }
}
