package dev.trustcontracts.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PKI's audit events on the {@value #LOGGER} logger, as SLF4J key-values (the launcher's logging
 * setup writes them as JSON lines): every certificate issued, with its serial, names and requester, and
 * every refusal, with its reason. Never a token or a key.
 */
public final class PkiAudit {
    public static final String LOGGER = "trustctl.audit";
    private static final Logger AUDIT = LoggerFactory.getLogger(LOGGER);

    private final String zone;

    public PkiAudit(String zone) {
        this.zone = zone;
    }

    /** A certificate signed for a caller. */
    public void issued(X509Certificate cert, Caller caller) {
        AUDIT.atInfo()
                .addKeyValue("event", "pki.issue")
                .addKeyValue("zone", zone)
                .addKeyValue("serial", cert.getSerialNumber().toString(16))
                .addKeyValue("subject", cert.getSubjectX500Principal().getName())
                .addKeyValue("sans", sans(cert))
                .addKeyValue("not_after", cert.getNotAfter().toInstant().toString())
                .addKeyValue("peer", caller.peer())
                .addKeyValue("token", caller.token())
                .log("issued");
    }

    /** A call refused: by the token check, the policy, or a failure. */
    public void refused(String call, String code, String reason, Caller caller) {
        AUDIT.atWarn()
                .addKeyValue("event", "pki.refuse")
                .addKeyValue("zone", zone)
                .addKeyValue("call", call)
                .addKeyValue("code", code)
                .addKeyValue("reason", reason)
                .addKeyValue("peer", caller.peer())
                .addKeyValue("token", caller.token())
                .log("refused");
    }

    /** The PKI's own TLS server certificate, issued at start and at each renewal. */
    public void serverCertificate(X509Certificate cert) {
        AUDIT.atInfo()
                .addKeyValue("event", "pki.server-certificate")
                .addKeyValue("zone", zone)
                .addKeyValue("serial", cert.getSerialNumber().toString(16))
                .addKeyValue("subject", cert.getSubjectX500Principal().getName())
                .addKeyValue("sans", sans(cert))
                .addKeyValue("not_after", cert.getNotAfter().toInstant().toString())
                .log("issued the PKI's own server certificate");
    }

    /** The certificate's subject alternative names as {@code DNS:a,IP:b}. */
    public static String sans(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> names = cert.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> n : names) {
                    int type = (Integer) n.get(0);
                    String prefix = switch (type) {
                        case 2 -> "DNS:";
                        case 6 -> "URI:";
                        case 7 -> "IP:";
                        default -> type + ":";
                    };
                    out.add(prefix + n.get(1));
                }
            }
        } catch (CertificateParsingException e) {
            out.add("unreadable");
        }
        return String.join(",", out);
    }
}
