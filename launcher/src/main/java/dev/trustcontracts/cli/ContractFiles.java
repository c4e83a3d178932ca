package dev.trustcontracts.cli;

import dev.trustcontracts.core.contract.ContractCodec;
import dev.trustcontracts.core.contract.ContractFormat;
import dev.trustcontracts.core.contract.ContractFormatException;
import dev.trustcontracts.core.crypto.Pem;
import dev.trustcontracts.core.crypto.PemException;
import dev.trustcontracts.core.files.AtomicFiles;
import dev.trustcontracts.proto.v1.Contract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** Reading and writing the files the contract commands work on, with one-line errors. */
final class ContractFiles {
    /** The server's limit on a contract file (docs/repo-server.md, file-too-large). */
    static final long MAX_CONTRACT_BYTES = dev.trustcontracts.core.tree.ScanLimits.DEFAULT.maxFileBytes();

    private ContractFiles() {
    }

    static ContractFormat format(Path file) {
        return ContractFormat.forFileName(file.getFileName().toString()).orElseThrow(() -> new UserError(
                file + ": a contract file ends in .yaml, .yml or .pb (lower case)", ExitCodes.USAGE));
    }

    static Contract read(Path file) {
        try {
            return ContractCodec.parse(bytes(file), format(file));
        } catch (ContractFormatException e) {
            String line = e.line() > 0 ? ":" + e.line() : "";
            String field = e.field().isEmpty() ? "" : e.field() + ": ";
            throw new UserError(file + line + ": " + field + e.getMessage(), ExitCodes.INVALID);
        }
    }

    /**
     * A contract file's bytes, refused in one line when it is no file or larger than the server would take
     * (256 KiB): before any parser sees it.
     */
    static byte[] bytes(Path file) {
        if (Files.isDirectory(file)) {
            throw new UserError(file + ": is a directory, not a contract file");
        }
        try {
            if (Files.size(file) > MAX_CONTRACT_BYTES) {
                throw new UserError(file + ": larger than " + MAX_CONTRACT_BYTES / 1024 + " KiB (file-too-large): "
                        + "not a contract file", ExitCodes.INVALID);
            }
            byte[] content = Files.readAllBytes(file);
            if (content.length == 0) {
                throw new UserError(file + ": empty file, not a contract", ExitCodes.INVALID);
            }
            return content;
        } catch (NoSuchFileException e) {
            throw new UserError("no such file: " + file);
        } catch (IOException e) {
            throw new UserError(file + ": " + UserErrors.describe(e));
        }
    }

    static void write(Path file, Contract c) {
        try {
            AtomicFiles.write(file, ContractCodec.serialize(c, format(file)));
        } catch (IOException e) {
            throw new UserError("cannot write " + file + ": " + UserErrors.describe(e));
        }
    }

    static List<X509Certificate> certificates(Path file) {
        String pem = text(file);
        try {
            return Pem.certificates(pem);
        } catch (PemException e) {
            throw new UserError(file + ": " + e.getMessage());
        }
    }

    static X509Certificate certificate(Path file) {
        List<X509Certificate> certs = certificates(file);
        if (certs.size() != 1) {
            throw new UserError(file + ": expected one certificate, found " + certs.size());
        }
        return certs.get(0);
    }

    static PrivateKey privateKey(Path file) {
        String pem = text(file);
        try {
            return Pem.privateKey(pem);
        } catch (PemException e) {
            throw new UserError(file + ": " + e.getMessage());
        }
    }

    private static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1); // never fails to decode: the PEM parser judges
        } catch (NoSuchFileException e) {
            throw new UserError("no such file: " + file);
        } catch (IOException e) {
            throw new UserError(file + ": " + UserErrors.describe(e));
        }
    }
}
