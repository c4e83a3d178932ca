package dev.trustcontracts.pki;

import dev.trustcontracts.core.crypto.CertificateIssuer;
import dev.trustcontracts.core.files.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * The CA's append-only record of issued certificates, one line each:
 * {@code issued-at serial-hex not-after profile subject}, tab-separated. It is what makes serial numbers
 * never repeat: a serial is drawn at random, drawn again if the record already holds it, and the
 * certificate is returned only once its line is on disk. An exclusive file lock around
 * read-new-lines, draw, append keeps this true for several processes sharing the directory (the server
 * and {@code trustctl pki issue}).
 */
public final class IssuedLog {
    private static final String HEADER = "# issued-at\tserial\tnot-after\tprofile\tsubject\n";
    private static final int MAX_DRAWS = 64;
    /** Appended to a line a crash left without its end. */
    private static final String TORN = "\t# torn record, ignored";
    /** One monitor per file in this JVM: file locks exclude other processes, not other threads. */
    private static final ConcurrentMap<Path, Object> MONITORS = new ConcurrentHashMap<>();

    private final Path file;
    private final Object monitor;
    private final Supplier<BigInteger> serials;
    private final Clock clock;
    private final Set<BigInteger> known = new HashSet<>();
    private long readUpTo;
    private int linesRead;

    private IssuedLog(Path file, Supplier<BigInteger> serials, Clock clock) {
        this.file = file;
        this.monitor = MONITORS.computeIfAbsent(file.toAbsolutePath().normalize(), k -> new Object());
        this.serials = serials;
        this.clock = clock;
    }

    /** Opens (creating when missing) and reads the record; an unreadable line is an error naming it. */
    public static IssuedLog open(Path file) throws IOException {
        return open(file, CertificateIssuer::randomSerial, Clock.systemUTC());
    }

    /** As {@link #open(Path)} with the serial source and clock given (tests force collisions with it). */
    public static IssuedLog open(Path file, Supplier<BigInteger> serials, Clock clock) throws IOException {
        IssuedLog log = new IssuedLog(file, serials, clock);
        synchronized (log.monitor) {
            try (FileChannel ch = log.channel(); FileLock lock = ch.lock()) {
                log.catchUp(ch);
            }
        }
        return log;
    }

    /**
     * Draws a serial never used by this CA, builds the certificate with it and records it; the
     * certificate is returned only after its record is written and forced to disk.
     */
    public X509Certificate issue(String profile, Function<BigInteger, X509Certificate> build) throws IOException {
        synchronized (monitor) {
            try (FileChannel ch = channel(); FileLock lock = ch.lock()) {
                catchUp(ch);
                BigInteger serial = draw();
                X509Certificate cert = build.apply(serial);
                if (!cert.getSerialNumber().equals(serial)) {
                    throw new IllegalStateException("the certificate does not carry the drawn serial");
                }
                append(ch, line(cert, profile));
                readUpTo = ch.size();
                linesRead++;
                known.add(serial);
                return cert;
            }
        }
    }

    /** Whether the record holds the serial (as of the last read). */
    public boolean contains(BigInteger serial) {
        synchronized (monitor) {
            return known.contains(serial);
        }
    }

    /** How many serials the record holds (as of the last read). */
    public int size() {
        synchronized (monitor) {
            return known.size();
        }
    }

    public Path file() {
        return file;
    }

    private BigInteger draw() {
        for (int i = 0; i < MAX_DRAWS; i++) {
            BigInteger s = serials.get();
            if (!known.contains(s)) {
                return s;
            }
        }
        throw new IllegalStateException("no unused serial number after " + MAX_DRAWS + " random draws");
    }

    private FileChannel channel() throws IOException {
        return FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(AtomicFiles.PUBLIC));
    }

    /**
     * Reads the lines appended since the last read (by this or another process). Called with the file
     * lock held, so the file is complete up to its end, except for a line torn by a crash mid-write:
     * that one is terminated with a marker and ignored from then on.
     */
    private void catchUp(FileChannel ch) throws IOException {
        if (ch.size() == 0) {
            append(ch, HEADER);
        } else if (lastByte(ch) != '\n') {
            append(ch, TORN + "\n");
        }
        long size = ch.size();
        if (size <= readUpTo) {
            return;
        }
        ch.position(readUpTo);
        BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            linesRead++;
            parse(line);
        }
        readUpTo = size;
    }

    private static int lastByte(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1);
        ch.read(b, ch.size() - 1);
        return b.get(0);
    }

    private void parse(String line) {
        if (line.isBlank() || line.startsWith("#")) {
            return;
        }
        String[] cols = line.split("\t", 5);
        boolean torn = line.endsWith(TORN);
        try {
            if (cols.length < 5 && !torn) {
                throw new NumberFormatException("expected 5 columns, found " + cols.length);
            }
            known.add(new BigInteger(cols[1], 16));
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            if (!torn) {
                throw new PkiException(file + " line " + linesRead + ": not 'issued-at<TAB>serial-hex<TAB>not-after"
                        + "<TAB>profile<TAB>subject' (" + e.getMessage() + ")");
            }
        }
    }

    private void append(FileChannel ch, String text) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        long pos = ch.size();
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
        ch.force(false);
    }

    private String line(X509Certificate cert, String profile) {
        return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS) + "\t" + cert.getSerialNumber().toString(16)
                + "\t" + cert.getNotAfter().toInstant() + "\t" + printable(profile)
                + "\t" + printable(X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()).toString()) + "\n";
    }

    /** No control characters in the record: a subject cannot forge or split a line. */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }
}
