package dev.trustcontracts.cli;

import java.util.List;
import picocli.CommandLine.Option;

/** {@code --audit-log}: where a long-running command writes its audit trail, the same on every daemon. */
public final class AuditLogOption {
    @Option(names = "--audit-log", paramLabel = "FILE|-",
            description = {"Write the audit trail as JSON lines to FILE (appended) or '-' for standard output;",
                "repeatable. Default: lines on standard error."})
    List<String> auditLog;

    /** Routes the {@code trustctl.audit} logger to the files asked for; call before the daemon starts. */
    public void apply() {
        LogSetup.auditTo(auditLog);
    }
}
