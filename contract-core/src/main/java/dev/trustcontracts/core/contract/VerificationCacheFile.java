package dev.trustcontracts.core.contract;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.proto.v1.CacheHeader;
import dev.trustcontracts.proto.v1.CachedVerification;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The file format of {@link VerificationStore} (verification_cache.proto): a length-delimited {@code CacheHeader},
 * that many length-delimited {@code CachedVerification} records, and an HMAC-SHA256 of all of it. Both ways are
 * streamed, one record at a time, so that neither a server nor an agent at {@code -Xmx128m} ever holds the whole
 * file (tens of MiB at 10,000 contracts) as one array; the whole file is still authenticated as one: {@link #read}
 * hands back nothing unless the MAC at the end matches and nothing follows it.
 */
public final class VerificationCacheFile {
    static final int MAC_BYTES = 32;
    private static final int BUFFER = 1 << 16;

    private VerificationCacheFile() {
    }

    /** Refuses a header (another format, rules version, window or a count out of bounds) with a reason. */
    @FunctionalInterface
    public interface HeaderCheck {
        void check(CacheHeader header) throws IOException;
    }

    /** Turns one record into what the caller keeps; an IOException refuses the whole file. */
    @FunctionalInterface
    public interface EntryMapper<T> {
        T map(CachedVerification entry) throws IOException;
    }

    /**
     * Reads {@code file}, mapping each record as it streams past; returns the mapped records only when the MAC
     * over everything matched under {@code key} and the file ends right after it. Throws an IOException naming
     * what is wrong (truncated, does not parse, MAC mismatch, trailing bytes, or the header check's reason)
     * otherwise; {@link java.nio.file.NoSuchFileException} when there is no file.
     */
    public static <T> List<T> read(Path file, byte[] key, HeaderCheck check, EntryMapper<T> mapper)
            throws IOException {
        Mac mac = mac(key);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < MAC_BYTES) {
                throw new IOException("truncated (" + size + " bytes)");
            }
            InputStream raw = Channels.newInputStream(ch);
            // The MAC sees the body in large reads (hashing byte by byte was a quarter of a warm start), and only
            // the body: the reader's buffer above it cannot read ahead into the MAC at the end. One protobuf
            // reader for the whole body: a reader and its buffer per record was garbage the agent's small heap
            // paid for in collections.
            CodedInputStream in = CodedInputStream.newInstance(new MacInput(raw, mac, size - MAC_BYTES), BUFFER);
            CacheHeader header;
            try {
                header = delimited(in, CacheHeader.parser());
            } catch (InvalidProtocolBufferException e) {
                throw new IOException("it is not a cache of this format (the header does not parse)");
            }
            if (header == null) {
                throw new IOException("it is empty");
            }
            check.check(header);
            List<T> out = new ArrayList<>(Math.min(header.getEntries(), 1 << 16));
            for (int i = 0; i < header.getEntries(); i++) {
                CachedVerification entry;
                try {
                    entry = delimited(in, CachedVerification.parser());
                } catch (InvalidProtocolBufferException e) {
                    throw new IOException("entry " + (i + 1) + " of " + header.getEntries() + " does not parse"
                            + " (truncated or corrupt)");
                }
                if (entry == null) {
                    throw new IOException("truncated after " + i + " of " + header.getEntries() + " entries");
                }
                out.add(mapper.map(entry));
            }
            if (!in.isAtEnd()) {
                throw new IOException("bytes follow its last entry");
            }
            byte[] expected = mac.doFinal();
            byte[] found = raw.readNBytes(MAC_BYTES);
            if (found.length != MAC_BYTES) {
                throw new IOException("truncated (its MAC is missing)");
            }
            if (!MessageDigest.isEqual(expected, found)) {
                throw new IOException("its MAC does not match this key (corrupt, edited, or not written here)");
            }
            if (raw.read() != -1) {
                throw new IOException("bytes follow its MAC");
            }
            return out;
        }
    }

    /** The next length-delimited message, or null at the end of the body. */
    private static <M> M delimited(CodedInputStream in, Parser<M> parser) throws IOException {
        if (in.isAtEnd()) {
            return null;
        }
        int length = in.readRawVarint32();
        if (length < 0) {
            throw new InvalidProtocolBufferException("negative length");
        }
        int limit = in.pushLimit(length);
        M m = parser.parsePartialFrom(in, ExtensionRegistryLite.getEmptyRegistry());
        in.checkLastTagWas(0);
        if (in.getBytesUntilLimit() != 0) {
            throw new InvalidProtocolBufferException("a record ends early");
        }
        in.popLimit(limit);
        in.resetSizeCounter();
        return m;
    }

    /**
     * Writes {@code header} and {@code entries} (exactly {@code header.entries} of them, made one at a time by
     * the iterator) and their MAC under {@code key}, atomically, mode 0600.
     */
    public static void write(Path file, byte[] key, CacheHeader header, Iterator<CachedVerification> entries)
            throws IOException {
        AtomicFiles.write(file, AtomicFiles.PRIVATE, out -> {
            Mac mac = mac(key);
            OutputStream macOut = new MacOutput(out, mac);
            header.writeDelimitedTo(macOut);
            int n = 0;
            while (entries.hasNext()) {
                entries.next().writeDelimitedTo(macOut);
                n++;
            }
            if (n != header.getEntries()) {
                // the temp file is deleted: a file whose count lies would only be refused at the next start
                throw new IOException("the header counts " + header.getEntries() + " entries but " + n + " were given");
            }
            macOut.flush();
            out.write(mac.doFinal());
        });
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Reads at most {@code limit} bytes (the body before the MAC), feeding each into the MAC. */
    private static final class MacInput extends FilterInputStream {
        private final Mac mac;
        private long left;

        MacInput(InputStream in, Mac mac, long limit) {
            super(in);
            this.mac = mac;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                mac.update(b, off, n);
                left -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // everything is read through, so that all of it is authenticated
            byte[] buf = new byte[(int) Math.min(Math.max(n, 1), 8192)];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }

        @Override
        public int available() {
            return 0;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public void close() {
            // the channel is closed by read
        }
    }

    /** Feeds every byte written into the MAC. */
    private static final class MacOutput extends FilterOutputStream {
        private final Mac mac;

        MacOutput(OutputStream out, Mac mac) {
            super(out);
            this.mac = mac;
        }

        @Override
        public void write(int b) throws IOException {
            mac.update((byte) b);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            mac.update(b, off, len);
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush(); // the caller's stream stays open for the MAC
        }
    }
}
