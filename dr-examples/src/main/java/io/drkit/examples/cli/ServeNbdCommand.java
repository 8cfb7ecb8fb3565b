package io.drkit.examples.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drkit.core.InvalidInputException;
import io.drkit.core.util.Sizes;
import io.drkit.examples.options.DrOption;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.support.Connections;
import io.drkit.examples.support.Preflight;
import io.drkit.s3.BackupSelection;
import io.drkit.s3.nbd.NbdServer;
import io.drkit.s3.nbd.NbdStats;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dr serve-nbd VOLUME --listen HOST:PORT}: a backup as a read-only NBD export, read on demand. */
@Command(name = "serve-nbd", mixinStandardHelpOptions = true,
        description = {"Serve a backup of a volume as a read-only block device over NBD, straight from the backupstore: "
                + "no restore first, no Longhorn. Each read downloads, decodes and verifies only the blocks it touches; "
                + "holes read as zeros without a request; a missing or corrupt block fails the reads that touch it with "
                + "EIO (logged with its offset) and nothing else.",
            "Read it with nbdcopy nbd://127.0.0.1:10809 disk.img, qemu-img convert -O qcow2 nbd://127.0.0.1:10809 "
                + "disk.qcow2, nbdinfo, or nbd-client + mount -o ro (see the README).",
            "There is no authentication and no encryption: it listens on loopback unless --allow-remote. It runs until "
                + "stopped: SIGINT (Ctrl-C) or SIGTERM stop accepting, answer the requests in progress, close every "
                + "client and exit with 130 (SIGINT) or 143 (SIGTERM)."})
final class ServeNbdCommand implements Callable<Integer>, CliOptions.Takes {
    @ParentCommand
    DrCli parent;
    @Spec
    CommandSpec spec;

    @Override
    public List<DrOption<?>> tableOptions() {
        return DrOptions.backupstoreOnly();
    }
    @Mixin
    FormatOptions format;

    @Mixin
    BackupChoice choice;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:10809",
            description = "Address to listen on ([::1]:PORT for IPv6; port 0 picks a free one). Default: ${DEFAULT-VALUE}.")
    String listen;

    @Option(names = "--allow-remote", description = "Allow a non-loopback --listen address. The export is unauthenticated "
            + "and unencrypted: whoever reaches the port can read the whole backup.")
    boolean allowRemote;

    @Option(names = "--export-name", paramLabel = "NAME",
            description = "The export's name (default: the volume's); the default export (empty name) always works.")
    String exportName;

    @Option(names = "--cache-blocks", paramLabel = "N", defaultValue = "8",
            description = "Decoded blocks kept in memory. Default: ${DEFAULT-VALUE}.")
    int cacheBlocks;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4",
            description = "Blocks downloaded at once. Default: ${DEFAULT-VALUE}.")
    int concurrency;

    @Option(names = "--max-clients", paramLabel = "N", defaultValue = "16",
            description = "Clients connected at once; more are refused. Default: ${DEFAULT-VALUE}.")
    int maxClients;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Disconnect clients silent for this long (default: never; TCP keep-alive still drops vanished ones).")
    Duration idleTimeout;

    @Override
    public Integer call() throws Exception {
        CliContext ctx = parent.context();
        BackupSelection which = choice.selection();
        InetSocketAddress address = parseListen(listen);
        if (!allowRemote && !address.getAddress().isLoopbackAddress()) {
            throw new InvalidInputException("--listen " + listen + " is not a loopback address; the export has no "
                    + "authentication or encryption (whoever reaches the port reads the whole backup): add --allow-remote "
                    + "to serve it anyway");
        }
        try (Connections c = new Connections(CliOptions.settings(spec, ctx), ctx.kubernetes())) {
            c.preflight(parent.connectTimeout(), List.of(Preflight.Need.of(Preflight.Backend.BACKUPSTORE)));
            NbdServer.Builder b = NbdServer.builder(c.objectSource(), c.target(), which).listen(address)
                    .allowRemote(allowRemote).cacheBlocks(cacheBlocks).concurrency(concurrency).maxClients(maxClients);
            if (exportName != null) {
                b.exportName(exportName);
            }
            if (idleTimeout != null) {
                b.idleTimeout(idleTimeout);
            }
            try (NbdServer server = b.start()) {
                AtomicBoolean reported = new AtomicBoolean();
                Runnable stop = () -> {
                    server.close();
                    if (reported.compareAndSet(false, true)) {
                        printStopped(ctx, server.stats());
                    }
                };
                Thread hook = new Thread(stop, "dr-serve-nbd-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                printStarted(ctx, server);
                server.awaitClosed();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                    stop.run();
                } catch (IllegalStateException e) {
                    // a signal: the hook closes the server and reports; the JVM exits with 128 + the signal's number
                    hook.join();
                }
            }
            return ExitCodes.OK;
        }
    }

    /** {@code HOST:PORT}, {@code [IPv6]:PORT}. */
    static InetSocketAddress parseListen(String value) {
        String v = value.trim();
        String host;
        String port;
        if (v.startsWith("[")) {
            int end = v.indexOf(']');
            if (end < 0 || end + 1 >= v.length() || v.charAt(end + 1) != ':') {
                throw new InvalidInputException("--listen must be HOST:PORT or [IPv6]:PORT, not '" + value + "'");
            }
            host = v.substring(1, end);
            port = v.substring(end + 2);
        } else {
            int colon = v.lastIndexOf(':');
            if (colon <= 0 || v.indexOf(':') != colon) {
                throw new InvalidInputException("--listen must be HOST:PORT or [IPv6]:PORT, not '" + value + "'");
            }
            host = v.substring(0, colon);
            port = v.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("--listen port must be a number, not '" + port + "'", e);
        }
        if (p < 0 || p > 65535) {
            throw new InvalidInputException("--listen port must be 0 to 65535, not " + p);
        }
        InetSocketAddress a = new InetSocketAddress(host, p);
        if (a.isUnresolved()) {
            throw new InvalidInputException("--listen host '" + host + "' cannot be resolved");
        }
        return a;
    }

    private void printStarted(CliContext ctx, NbdServer s) throws Exception {
        if (format.json()) {
            ObjectNode n = format.mapper().createObjectNode();
            n.put("kind", "NbdExport").put("uri", s.uri()).put("exportName", s.exportName())
                    .put("volume", s.volume().name()).put("backup", s.backup().name())
                    .put("backupUrl", s.backup().url().map(u -> u.url()).orElse("")).put("size", s.exportSize())
                    .put("blockSize", s.blockSize()).put("compression", s.backup().compression().wireName())
                    .put("readOnly", true);
            NbdServer.Limits l = s.limits();
            n.putObject("limits").put("cacheBlocks", l.cacheBlocks()).put("concurrency", l.concurrency())
                    .put("workers", l.workers()).put("maxClients", l.maxClients())
                    .put("requestsPerClient", l.requestsPerClient()).put("maxRequestBytes", l.maxRequestBytes());
            format.print(ctx.out(), n);
            ctx.out().flush();
            return;
        }
        String uri = s.uri();
        ctx.out().printf("serving backup %s of volume %s (%s, %s blocks, %s) read-only on %s%n", s.backup().name(),
                s.volume().name(), Sizes.human(s.exportSize()), Sizes.human(s.blockSize()),
                s.backup().compression().wireName(), uri);
        ctx.out().printf("  nbdinfo %s%n", uri);
        ctx.out().printf("  nbdcopy %s %s.img%n", uri, s.volume().name());
        ctx.out().printf("  qemu-img convert -f raw -O qcow2 %s %s.qcow2%n", uri, s.volume().name());
        if (!s.address().getAddress().isLoopbackAddress()) {
            ctx.out().println("warning: listening beyond loopback; the export has no authentication or encryption");
        }
        ctx.out().println("Ctrl-C (SIGINT) or SIGTERM stops the server.");
        ctx.out().flush();
    }

    private static void printStopped(CliContext ctx, NbdStats st) {
        ctx.err().printf("dr serve-nbd stopped: %d clients, %d reads, %s sent, %d blocks downloaded (%s), at most %d "
                        + "blocks cached, %d reads failed with EIO%n", st.clientsAccepted(), st.reads(),
                Sizes.human(st.bytesSent()), st.blocksFetched(), Sizes.human(st.bytesDownloaded()), st.peakCachedBlocks(),
                st.ioErrors());
        ctx.err().flush();
    }
}
