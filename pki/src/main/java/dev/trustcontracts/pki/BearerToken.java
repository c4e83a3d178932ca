package dev.trustcontracts.pki;

import dev.trustcontracts.core.crypto.Fingerprint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The shared secret callers present as {@code authorization: Bearer <token>}. Only its SHA-256 is kept
 * and compared, with {@link MessageDigest#isEqual} (constant time): neither the token's content nor its
 * length shows in the time a refusal takes.
 */
public final class BearerToken {
    /** At least 128 bits as hex; {@code openssl rand -hex 32} gives 256. */
    public static final int MIN_LENGTH = 32;
    private static final Pattern SHAPE = Pattern.compile("[\\x21-\\x7e]+"); // visible ASCII, header-safe
    private static final String SCHEME = "bearer ";

    private final byte[] digest;
    private final String identity;

    private BearerToken(String token) {
        this.digest = sha256(token);
        // names the token in audit lines; 48 bits of a SHA-256 say nothing about a 128-bit or longer secret
        this.identity = "sha256:" + HexFormat.of().formatHex(digest).substring(0, 12);
    }

    public static BearerToken of(String token) {
        if (token == null || token.length() < MIN_LENGTH || !SHAPE.matcher(token).matches()) {
            throw new IllegalArgumentException("a bearer token is at least " + MIN_LENGTH
                    + " visible ASCII characters without spaces (make one with: openssl rand -hex 32)");
        }
        return new BearerToken(token);
    }

    /** The token in the file, surrounding whitespace (a trailing newline) ignored. */
    public static BearerToken fromFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new PkiException("cannot read the token file " + file + ": " + CaInit.describe(e), e);
        }
        try {
            return of(text);
        } catch (IllegalArgumentException e) {
            throw new PkiException("token file " + file + ": " + e.getMessage());
        }
    }

    /** Whether an authorization header value carries this token. */
    public boolean matchesHeader(String authorization) {
        if (authorization == null || authorization.length() <= SCHEME.length()
                || !authorization.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            return false;
        }
        return MessageDigest.isEqual(digest, sha256(authorization.substring(SCHEME.length()).strip()));
    }

    /** A short, non-secret name of the token for audit lines: a prefix of its SHA-256. */
    public String identity() {
        return identity;
    }

    private static byte[] sha256(String s) {
        return HexFormat.of().parseHex(Fingerprint.sha256Hex(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String toString() {
        return "BearerToken[redacted]";
    }
}
