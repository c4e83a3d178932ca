package dev.trustcontracts.cli.server;

import dev.trustcontracts.cli.DurationConverter;
import dev.trustcontracts.cli.ExitCodes;
import dev.trustcontracts.cli.UserError;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.crypto.PemException;
import dev.trustcontracts.core.files.SecretFiles;
import dev.trustcontracts.core.tls.PemTls;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import picocli.CommandLine.Option;

/**
 * Where the server is and who we are to it: {@code --server}, {@code --ca}, the login from files or the
 * environment (a password is never a flag's value: it would show in the process list and the shell history),
 * and the output format.
 */
public final class ServerOptions {
    static final String ENV_URL = "TRUSTCTL_SERVER_URL";
    static final String ENV_USERNAME = "TRUSTCTL_SERVER_USERNAME";
    static final String ENV_PASSWORD = "TRUSTCTL_SERVER_PASSWORD";
    /** Longer than any password anyone types; a bigger first line is the wrong file. */
    static final int MAX_PASSWORD_BYTES = 4096;

    @Option(names = "--server", paramLabel = "URL",
            description = "The repo-server, e.g. https://contracts.example:8080 (default: $" + ENV_URL + ").")
    String server;

    @Option(names = "--ca", paramLabel = "FILE",
            description = "PEM certificate(s) to trust for the server's TLS (its zone's root); default: the JDK's CAs.")
    Path ca;

    @Option(names = "--username", paramLabel = "NAME", description = "User of the server (default: $" + ENV_USERNAME
            + "); needs --password-file or $" + ENV_PASSWORD + ".")
    String username;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "File whose first line is the password (mode 0600); default: $" + ENV_PASSWORD + ".")
    Path passwordFile;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to wait to connect and for each answer (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = {"-o", "--output"}, paramLabel = "text|json", defaultValue = "text",
            description = "text (default: aligned columns) or json (the server's answer, indented).")
    String output;

    /** The environment as the command sees it; the process's own. */
    UnaryOperator<String> env = System::getenv;

    boolean json() {
        if (!output.equals("text") && !output.equals("json")) {
            throw new UserError("-o takes text or json, not '" + output + "'", ExitCodes.USAGE);
        }
        return output.equals("json");
    }

    /** A client for the server these options name; warnings (a password file others can read) go to err. */
    ServerClient client(PrintWriter err) {
        json();
        URI base = url();
        Optional<SSLContext> tls = Optional.empty();
        if (ca != null) {
            if (!base.getScheme().equals("https")) {
                throw new UserError("--ca is for an https:// server; " + base + " is plain HTTP", ExitCodes.USAGE);
            }
            tls = Optional.of(tls(ca));
        }
        Optional<String> login = authorization(err);
        if (login.isPresent() && base.getScheme().equals("http") && !loopback(base.getHost())) {
            err.println("warning: the password travels unencrypted to " + base + ": use https://");
        }
        return new ServerClient(base, tls, login, timeout);
    }

    /** Loopback by its spelling (no name lookup): plain HTTP there never leaves the machine. */
    static boolean loopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    private URI url() {
        String u = server != null ? server : env.apply(ENV_URL);
        if (u == null || u.isBlank()) {
            throw new UserError("which server? give --server URL or set " + ENV_URL, ExitCodes.USAGE);
        }
        URI uri;
        try {
            uri = new URI(u.strip());
        } catch (URISyntaxException e) {
            throw new UserError("--server '" + u + "' is not a URL (e.g. https://contracts.example:8080)", ExitCodes.USAGE);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new UserError("--server '" + u + "' is not an http:// or https:// URL with a host", ExitCodes.USAGE);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new UserError("--server '" + u + "': give only scheme, host, port (and a path prefix); credentials "
                    + "come from --username and --password-file", ExitCodes.USAGE);
        }
        return uri;
    }

    private Optional<String> authorization(PrintWriter err) {
        String user = username != null ? username : env.apply(ENV_USERNAME);
        String password = passwordFile != null ? password(passwordFile, err) : env.apply(ENV_PASSWORD);
        if (user == null || user.isEmpty()) {
            if (passwordFile != null) {
                throw new UserError("--password-file needs --username (or " + ENV_USERNAME + ")", ExitCodes.USAGE);
            }
            return Optional.empty();
        }
        if (password == null || password.isEmpty()) {
            throw new UserError("--username " + user + " needs --password-file FILE or " + ENV_PASSWORD,
                    ExitCodes.USAGE);
        }
        String pair = user + ":" + password;
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    /** The first line of the file, UTF-8, without its line end. */
    static String password(Path file, PrintWriter err) {
        byte[] bytes = bytes(file, "--password-file");
        int end = 0;
        while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
            end++;
        }
        if (end > MAX_PASSWORD_BYTES) {
            throw new UserError(file + ": the first line is longer than " + MAX_PASSWORD_BYTES
                    + " bytes: is this a password file?");
        }
        if (end == 0) {
            throw new UserError(file + ": the first line is empty: it should hold the password");
        }
        String password;
        try {
            password = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, end)).toString();
        } catch (CharacterCodingException e) {
            throw new UserError(file + ": line 1 is not UTF-8 text");
        }
        SecretFiles.looseModeWarning(file).ifPresent(w -> err.println("warning: " + w));
        return password;
    }

    /** An SSL context that trusts exactly the certificates of {@code file}. */
    static SSLContext tls(Path file) {
        byte[] bytes = bytes(file, "--ca");
        List<X509Certificate> roots;
        try {
            roots = Pem.certificates(new String(bytes, StandardCharsets.ISO_8859_1));
        } catch (PemException e) {
            throw new UserError(file + ": " + e.getMessage());
        }
        if (roots.isEmpty()) {
            throw new UserError(file + ": no PEM CERTIFICATE in it");
        }
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {PemTls.trustManager(roots)}, null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new UserError(file + ": cannot trust these certificates for TLS");
        }
    }

    /** A small file's bytes, with a one-line error naming the option and the file. */
    private static byte[] bytes(Path file, String option) {
        if (Files.isDirectory(file)) {
            throw new UserError(option + " " + file + ": is a directory, not a file");
        }
        try {
            if (Files.size(file) > 1 << 20) {
                throw new UserError(option + " " + file + ": larger than 1 MiB: is this the right file?");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserError(option + " " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new UserError(option + " " + file + ": permission denied");
        } catch (IOException e) {
            throw new UserError(option + " " + file + ": cannot read it");
        }
    }
}
