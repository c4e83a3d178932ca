package dev.trustcontracts.agent.output;

import dev.trustcontracts.agent.OutputLayout;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.core.files.SecretFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The small secret files the agent reads: the PKI token, Git credentials, the PKCS#12 password. */
public final class Secrets {
    private static final Logger LOG = LoggerFactory.getLogger(Secrets.class);

    private Secrets() {
    }

    /** The first line of the file, trimmed; an empty secret is an error. */
    public static String firstLine(Path file, String what) throws IOException {
        warnIfReadableByOthers(file, what);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int nl = text.indexOf('\n');
        String line = (nl < 0 ? text : text.substring(0, nl)).strip();
        if (line.isEmpty()) {
            throw new IOException(what + " file " + file + " is empty");
        }
        return line;
    }

    /** {@code USER:PASSWORD} on the first line, as curl's -u takes it; the password may contain ':'. */
    public static CredentialsProvider gitCredentials(Path file) throws IOException {
        String line = firstLine(file, "Git credentials");
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new IOException("Git credentials file " + file + ": expected USER:PASSWORD on the first line");
        }
        return new UsernamePasswordCredentialsProvider(line.substring(0, colon), line.substring(colon + 1));
    }

    /**
     * The same {@code USER:PASSWORD} as an HTTP Basic {@code authorization} value, for the gRPC doorbell of a
     * repo-server that runs with {@code --private} (it checks the same users as its Git endpoint).
     */
    public static String basicAuthorization(Path file) throws IOException {
        String line = firstLine(file, "Git credentials");
        if (line.indexOf(':') <= 0) {
            throw new IOException("Git credentials file " + file + ": expected USER:PASSWORD on the first line");
        }
        return "Basic " + java.util.Base64.getEncoder().encodeToString(line.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The PKCS#12 password: the first line of the given file, or of OUT/keystore.pass, which is created
     * with a random password (mode 0600) the first time.
     */
    public static char[] keystorePassword(Path passwordFile, Path out) throws IOException {
        if (passwordFile != null) {
            return firstLine(passwordFile, "keystore password").toCharArray();
        }
        Path f = new OutputLayout(out).keystorePassword();
        if (!Files.exists(f)) {
            byte[] b = new byte[18];
            new SecureRandom().nextBytes(b);
            String pw = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            try {
                Files.createDirectories(out);
                AtomicFiles.createNew(f, (pw + "\n").getBytes(StandardCharsets.US_ASCII), AtomicFiles.PRIVATE);
                LOG.info("created {} with a random password for {} and {}", f, OutputLayout.KEYSTORE,
                        OutputLayout.TRUSTSTORE);
            } catch (FileAlreadyExistsException e) {
                // created meanwhile: read it
            }
        }
        return firstLine(f, "keystore password").toCharArray();
    }

    /** Warns (never fails) when a secret file is readable by its group or by everyone. */
    public static void warnIfReadableByOthers(Path file, String what) {
        if (SecretFiles.readableByOthers(file)) {
            LOG.warn("{} file {} is readable by its group or by everyone; chmod 600 it", what, file);
        }
    }
}
