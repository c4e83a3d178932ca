package dev.trustcontracts.agent.pki;

import dev.trustcontracts.agent.FailureKind;
import dev.trustcontracts.agent.SyncException;
import dev.trustcontracts.core.net.IpLiteral;
import dev.trustcontracts.core.crypto.KeyType;
import java.io.IOException;
import java.security.KeyPair;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The agent's certificate request: CN = the name, one SAN with the same name (an iPAddress SAN for an IP
 * literal, else a dNSName), signed with the new EC P-256 key. The PKI decides everything else.
 */
final class CsrBuilder {
    private CsrBuilder() {
    }

    static PKCS10CertificationRequest build(String name, KeyPair keys) throws SyncException {
        try {
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
            ExtensionsGenerator ext = new ExtensionsGenerator();
            GeneralName san = IpLiteral.parse(name).isPresent()
                    ? new GeneralName(GeneralName.iPAddress, name)
                    : new GeneralName(GeneralName.dNSName, name);
            ext.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
            return new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
                    .build(new JcaContentSignerBuilder(KeyType.EC_P256.signatureAlgorithm()).build(keys.getPrivate()));
        } catch (IOException | OperatorCreationException | IllegalArgumentException e) {
            throw new SyncException(FailureKind.PKI, "cannot build a certificate request for '" + name + "': "
                    + e.getMessage(), e);
        }
    }
}
