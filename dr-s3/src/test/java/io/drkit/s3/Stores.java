package io.drkit.s3;

import io.drkit.core.model.BackupTarget;
import io.drkit.s3.testing.EmbeddedS3Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** The two kinds of store every catalog test runs against: a real S3 server, and a directory. */
enum Stores {
    S3, DIRECTORY;

    private static EmbeddedS3Server server;
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    /** A fresh, empty store of this kind. */
    Store create() {
        if (this == S3) {
            synchronized (Stores.class) {
                if (server == null) {
                    server = EmbeddedS3Server.startTransient();
                    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
                }
            }
            String bucket = "store-" + BUCKETS.incrementAndGet();
            return new Store(server.createBucket(bucket), BackupTarget.parse("s3://" + bucket + "@us-east-1/"));
        }
        try {
            Path dir = Files.createTempDirectory("drkit-store");
            return new Store(DirectoryObjectSource.of(dir), BackupTarget.directory(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A store: its writable source and its target. */
    record Store(WritableObjectSource source, BackupTarget target) implements AutoCloseable {
        @Override
        public void close() {
            source.close();
        }
    }
}
