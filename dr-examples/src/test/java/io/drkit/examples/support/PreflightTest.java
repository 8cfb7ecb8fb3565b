package io.drkit.examples.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import io.drkit.core.UnavailableException;
import io.drkit.examples.support.Preflight.Backend;
import io.drkit.examples.support.Preflight.Need;
import io.drkit.examples.support.Preflight.Probe;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The one check every command makes before it starts: bounded, naming what failed and the way out. */
class PreflightTest {
    private static final Duration SHORT = Duration.ofMillis(200);

    /** A probe that runs {@code check} and counts how often it was prepared, checked and closed. */
    private static final class Fake extends Probe {
        final AtomicInteger prepared = new AtomicInteger();
        final AtomicInteger checked = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        private final Runnable prepare;
        private final Runnable check;

        Fake(Backend backend, String target, Runnable prepare, Runnable check) {
            super(backend, target);
            this.prepare = prepare;
            this.check = check;
        }

        Fake(Backend backend, String target, Runnable check) {
            this(backend, target, () -> { }, check);
        }

        @Override
        protected void prepare(Duration timeout) {
            prepared.incrementAndGet();
            prepare.run();
        }

        @Override
        protected void check(Duration timeout) {
            checked.incrementAndGet();
            check.run();
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    private static void ignoreInterruptsForever() {
        CountDownLatch never = new CountDownLatch(1);
        while (true) {
            try {
                never.await();
            } catch (InterruptedException e) {
                // a probe that ignores its timeout and its interrupt
            }
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aProbeThatIgnoresItsTimeoutIsAbandonedAfterTheTimeoutAndItsGrace() {
        Fake hung = new Fake(Backend.BACKUPSTORE, "directory /mnt/stale-nfs", PreflightTest::ignoreInterruptsForever);
        assertThatThrownBy(() -> Preflight.run(List.of(hung), List.of(Need.of(Backend.BACKUPSTORE)), SHORT))
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("the backupstore directory /mnt/stale-nfs did not answer within 200ms")
                .hasMessageContaining("--backupstore URL|DIR")
                .hasMessageContaining("--connect-timeout DURATION (or DRKIT_CONNECT_TIMEOUT) to wait longer than 200ms");
        assertThat(hung.closed).hasValue(1);
    }

    @Test
    void everyFailedBackendIsNamedWithTheWayOutOfItsNeedsOnly() {
        Fake k8s = new Fake(Backend.KUBERNETES, "https://10.0.0.1:6443/ (kubeconfig /k, context prod)", () -> {
            throw new UnavailableException("list claims failed", new ConnectException("Connection refused"));
        });
        Fake longhorn = new Fake(Backend.LONGHORN, "http://longhorn:9500/", () -> {
            throw new UnavailableException("Longhorn answered HTTP 403", 403, null);
        });
        Fake store = new Fake(Backend.BACKUPSTORE, "s3://b@r/", () -> { });
        List<Need> needs = List.of(Need.clusterState(), Need.binder(Connections.Via.LONGHORN), Need.of(Backend.BACKUPSTORE));
        assertThatThrownBy(() -> Preflight.run(List.of(k8s, longhorn, store), needs, SHORT))
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("the Kubernetes API server https://10.0.0.1:6443/ (kubeconfig /k, context prod) is "
                        + "unreachable: connection refused")
                .hasMessageContaining("Longhorn's manager API http://longhorn:9500/ refused access (HTTP 403): access denied")
                .hasMessageContaining("--offline to work from the backups alone")
                .hasMessageContaining("--kubeconfig FILE or --context NAME")
                .hasMessageContaining("--longhorn URL")
                .message().doesNotContain("s3://b@r/").doesNotContain("--backupstore").doesNotContain("--connect-timeout");
        assertThat(List.of(k8s.checked, longhorn.checked, store.checked)).allSatisfy(n -> assertThat(n).hasValue(1));
        assertThat(List.of(k8s.closed, longhorn.closed, store.closed)).allSatisfy(n -> assertThat(n).hasValue(1));
    }

    @Test
    void aConfigurationErrorIsAUsageErrorEvenWhenAnotherBackendFailed() {
        Fake down = new Fake(Backend.LONGHORN, "http://x/", () -> {
            throw new UnavailableException("down");
        });
        Fake bad = new Fake(Backend.BACKUPSTORE, "directory /nope", () -> {
            throw new InvalidInputException("backupstore directory /nope does not exist");
        });
        assertThatThrownBy(() -> Preflight.run(List.of(down, bad), List.of(), SHORT))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("/nope does not exist");
    }

    @Test
    void aPreparationThatFailsIsReportedAndTheOthersAreStillChecked() {
        Fake noConfig = new Fake(Backend.KUBERNETES, "(kubeconfig not read)", () -> {
            throw new UnavailableException("no cluster here");
        }, () -> { });
        Fake ok = new Fake(Backend.LONGHORN, "http://lh/", () -> { });
        assertThatThrownBy(() -> Preflight.run(List.of(noConfig, ok), List.of(), SHORT))
                .isInstanceOf(UnavailableException.class).hasMessageContaining("failed: no cluster here");
        assertThat(noConfig.checked).hasValue(0);
        assertThat(ok.checked).hasValue(1);
        assertThat(noConfig.closed).hasValue(1);

        Fake wrongFile = new Fake(Backend.KUBERNETES, "?", () -> {
            throw new InvalidInputException("--kubeconfig /x: no such file");
        }, () -> { });
        Fake other = new Fake(Backend.LONGHORN, "http://lh/", () -> { });
        assertThatThrownBy(() -> Preflight.run(List.of(wrongFile, other), List.of(), SHORT))
                .isInstanceOf(InvalidInputException.class);
        assertThat(other.checked).as("nothing is sent after a configuration error").hasValue(0);
        assertThat(other.closed).hasValue(1);
    }

    @Test
    void backendsThatAnswerPass() {
        Fake a = new Fake(Backend.KUBERNETES, "k", () -> { });
        Fake b = new Fake(Backend.BACKUPSTORE, "s", () -> { });
        Preflight.run(List.of(a, b), List.of(), SHORT);
        assertThat(a.checked).hasValue(1);
        assertThat(b.checked).hasValue(1);
        Preflight.run(List.of(), List.of(), SHORT);
    }

    @Test
    void aMissingDirectoryIsAUsageErrorAndAReadableOnePasses(@TempDir Path dir) {
        Preflight.run(List.of(PreflightProbes.directory(dir)), List.of(), SHORT);
        assertThatThrownBy(() -> Preflight.run(List.of(PreflightProbes.directory(dir.resolve("gone"))), List.of(), SHORT))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("does not exist");
    }

    @Test
    void aLonghornUrlThatIsNotHttpIsAUsageErrorAndAnHtmlPageIsNotLonghorn() {
        assertThatThrownBy(() -> Preflight.run(List.of(PreflightProbes.longhorn("ftp://x")), List.of(), SHORT))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("not an http(s) URL");
        try (LoopbackServers.StubHttpServer html = new LoopbackServers.StubHttpServer(200, "<html></html>")) {
            assertThatThrownBy(() -> Preflight.run(List.of(PreflightProbes.longhorn(html.url())), List.of(),
                    Duration.ofSeconds(5)))
                    .isInstanceOf(UnavailableException.class).hasMessageContaining("answered HTTP 200")
                    .hasMessageContaining("not the JSON expected");
        }
    }
}
