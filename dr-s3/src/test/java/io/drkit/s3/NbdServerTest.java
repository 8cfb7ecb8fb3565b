package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import io.drkit.core.model.CompressionMethod;
import io.drkit.s3.nbd.NbdServer;
import io.drkit.s3.nbd.NbdStats;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.NbdClient;
import io.drkit.s3.testing.WrittenBackup;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link NbdServer} against a small NBD client that sends exactly the requests a test asks for: the bytes of random
 * ranges across block boundaries, the handshake's options, refused commands, damaged blocks, request counts, the
 * cache bound, many clients, timeouts, limits and shutdown. The whole-image tests with Debian's NBD clients are in
 * {@link NbdServerClientToolsTest}.
 */
@Timeout(120)
class NbdServerTest {
    private static final long MIB = 1 << 20;
    private static final Instant T0 = Instant.parse("2026-11-01T03:00:00Z");
    private static final String VOLUME = "pvc-nbd";
    private static final int EPERM = 1;
    private static final int EIO = 5;
    private static final int EINVAL = 22;

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    /**
     * Volume of 12 blocks, newest backup: 0 random, 1 text, 2 hole, 3 zero block, 4 mixed, 5 random, 6-7 holes, 8
     * text, 9 mixed (changed by the second backup), 10 hole, 11 random.
     */
    record Fixture(Stores.Store store, WrittenBackup first, WrittenBackup second, Path image, long blockSize) {
        long size() {
            return 12 * blockSize;
        }

        long offset(int slot) {
            return slot * blockSize;
        }
    }

    private Fixture fixture(Stores kind, long blockSize) {
        Stores.Store store = track(kind.create());
        BackupstoreWriter w = BackupstoreWriter.create(store.source(), store.target(), 5);
        BackupstoreWriter.VolumeWriter v = w.volume(VOLUME).size(12 * blockSize).blockSize(blockSize)
                .compression(CompressionMethod.LZ4);
        long b = blockSize;
        WrittenBackup first = v.backup("backup-0000000000000001", T0, c -> c.random(0).text(b).zero(3 * b).mixed(4 * b)
                .random(5 * b).text(8 * b).text(9 * b).random(11 * b));
        WrittenBackup second = v.backup("backup-0000000000000002", T0.plusSeconds(86_400), c -> c.mixed(9 * b));
        Path image = dir.resolve("expected-" + kind + "-" + blockSize + ".img");
        second.image().orElseThrow().writeTo(image);
        return new Fixture(store, first, second, image, blockSize);
    }

    private NbdServer serve(Fixture f, java.util.function.UnaryOperator<NbdServer.Builder> options) {
        return serve(f.store().source(), f, options);
    }

    private NbdServer serve(ObjectSource source, Fixture f, java.util.function.UnaryOperator<NbdServer.Builder> options) {
        NbdServer.Builder b = NbdServer.builder(source, f.store().target(), BackupSelection.newest(VOLUME))
                .listen("127.0.0.1", 0);
        return track(options.apply(b).start());
    }

    private NbdClient client(NbdServer server) {
        return track(NbdClient.connect(server.address()));
    }

    // ---------------------------------------------------------------- content

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    void servesTheNewestBackupByteForByteAtRandomOffsetsAcrossBlockBoundaries(Stores kind) {
        Fixture f = fixture(kind, 2 * MIB);
        NbdServer server = serve(f, b -> b);
        NbdClient c = client(server);

        assertThat(server.backup().name()).isEqualTo("backup-0000000000000002");
        assertThat(c.size()).isEqualTo(f.size()).isEqualTo(server.exportSize());
        assertThat(c.transmissionFlags()).as("has flags, read-only, flush, multi-conn").isEqualTo(1 | 2 | 4 | 256);
        assertThat(c.blockSizes()).hasValueSatisfying(s -> assertThat(s).containsExactly(1, 4096, 32 << 20));
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 150; i++) {
            long offset = r.nextLong(f.size());
            int length = (int) Math.min(f.size() - offset, 1 + r.nextInt((int) (5 * MIB)));
            assertThat(c.read(offset, length)).as("%d bytes at %d", length, offset)
                    .isEqualTo(Images.read(f.image(), offset, length));
        }
        // exactly across each boundary, and the whole image in one request
        for (int slot = 1; slot < 12; slot++) {
            long at = f.offset(slot) - 512;
            assertThat(c.read(at, 1024)).as("boundary before slot " + slot).isEqualTo(Images.read(f.image(), at, 1024));
        }
        assertThat(c.read(0, (int) f.size())).isEqualTo(Images.read(f.image(), 0, (int) f.size()));
        assertThat(c.read(f.size() - 1, 1)).isEqualTo(Images.read(f.image(), f.size() - 1, 1));
    }

    @Test
    void serves16MiBBlocksAcrossTheirBoundaries() {
        Fixture f = fixture(Stores.DIRECTORY, 16 * MIB);
        NbdServer server = serve(f, b -> b);
        NbdClient c = client(server);

        assertThat(server.blockSize()).isEqualTo(16 * MIB);
        assertThat(c.size()).isEqualTo(192 * MIB);
        for (int slot = 1; slot < 12; slot++) {
            long at = f.offset(slot) - 3000;
            assertThat(c.read(at, 7000)).as("boundary before slot " + slot).isEqualTo(Images.read(f.image(), at, 7000));
        }
        long at = f.offset(4) + 5;
        assertThat(c.read(at, (int) (32 * MIB))).as("a 32 MiB read over three blocks")
                .isEqualTo(Images.read(f.image(), at, (int) (32 * MIB)));
        assertThat(server.limits().cacheBlocks()).as("the default 256 MiB fits 8 blocks of 16 MiB").isEqualTo(8);
    }

    @Test
    void servesANamedBackupOrTheNewestAtATimeAndRefusesUnknownOnes() throws Exception {
        Fixture f = fixture(Stores.DIRECTORY, 2 * MIB);
        Path older = dir.resolve("older.img");
        f.first().image().orElseThrow().writeTo(older);
        try (NbdServer named = NbdServer.builder(f.store().source(), f.store().target(),
                BackupSelection.named(VOLUME, "backup-0000000000000001")).listen("127.0.0.1", 0).start();
             NbdServer asOf = NbdServer.builder(f.store().source(), f.store().target(),
                     BackupSelection.newestAtOrBefore(VOLUME, T0.plusSeconds(3600))).listen("127.0.0.1", 0).start();
             NbdClient a = NbdClient.connect(named.address());
             NbdClient b = NbdClient.connect(asOf.address())) {
            assertThat(a.read(f.offset(9), 4096)).isEqualTo(Images.read(older, f.offset(9), 4096))
                    .isNotEqualTo(Images.read(f.image(), f.offset(9), 4096));
            assertThat(b.read(f.offset(9), 4096)).isEqualTo(Images.read(older, f.offset(9), 4096));
        }
        assertThatThrownBy(() -> NbdServer.builder(f.store().source(), f.store().target(), BackupSelection.newest("pvc-none"))
                .listen("127.0.0.1", 0).start()).isInstanceOf(NotFoundException.class).hasMessageContaining("pvc-none");
        assertThatThrownBy(() -> NbdServer.builder(f.store().source(), f.store().target(),
                BackupSelection.named(VOLUME, "backup-0000000000000009")).listen("127.0.0.1", 0).start())
                .isInstanceOf(NotFoundException.class);
    }

    // ---------------------------------------------------------------- requests to the store

    @Test
    void aSectorReadFetchesExactlyTheOneBlockItTouchesAndHolesAndZeroBlocksFetchNothing() {
        Fixture f = fixture(Stores.DIRECTORY, 2 * MIB);
        CountingObjectSource counting = CountingObjectSource.wrap(f.store().source());
        NbdServer server = serve(counting, f, b -> b);
        NbdClient c = client(server);

        RequestCounts before = counting.counts();
        assertThat(c.read(f.offset(5) + 8192, 4096)).isEqualTo(Images.read(f.image(), f.offset(5) + 8192, 4096));
        assertThat(counting.counts().minus(before)).satisfies(d -> {
            assertThat(d.get()).as("one 4 KiB sector: one block").isEqualTo(1);
            assertThat(d.total()).isEqualTo(1);
        });

        before = counting.counts();
        c.read(f.offset(5), 4096);
        c.read(f.offset(5) + MIB, (int) MIB);
        assertThat(counting.counts().minus(before).total()).as("the same block again: from the cache").isZero();

        before = counting.counts();
        assertThat(c.read(f.offset(2), (int) (2 * MIB))).as("a hole").containsOnly(0);
        assertThat(c.read(f.offset(3) + 100, 4096)).as("an explicit zero block").containsOnly(0);
        assertThat(c.read(f.offset(6), (int) (4 * MIB))).as("two holes").containsOnly(0);
        assertThat(counting.counts().minus(before).total()).as("holes and zero blocks need no request").isZero();

        before = counting.counts();
        c.read(f.offset(1) - 4096, 8192);
        assertThat(counting.counts().minus(before).get()).as("a read across a boundary: both blocks").isEqualTo(2);
        NbdStats s = server.stats();
        assertThat(s.blocksFetched()).isEqualTo(3);
        assertThat(s.cacheHits()).isPositive();
    }

    @Test
    void theCacheNeverHoldsMoreThanItsBound() {
        Fixture f = fixture(Stores.DIRECTORY, 2 * MIB);
        CountingObjectSource counting = CountingObjectSource.wrap(f.store().source());
        NbdServer server = serve(counting, f, b -> b.cacheBlocks(2));
        NbdClient c = client(server);
        int[] dataSlots = {0, 1, 4, 5, 8, 9, 11};

        for (int round = 0; round < 3; round++) {
            for (int slot : dataSlots) {
                assertThat(c.read(f.offset(slot) + 4096 * round, 4096))
                        .isEqualTo(Images.read(f.image(), f.offset(slot) + 4096 * round, 4096));
                assertThat(server.stats().cachedBlocks()).isLessThanOrEqualTo(2);
            }
        }
        NbdStats s = server.stats();
        assertThat(server.limits().cacheBlocks()).isEqualTo(2);
        assertThat(s.peakCachedBlocks()).isEqualTo(2);
        assertThat(s.blocksFetched()).as("evicted blocks are fetched again").isEqualTo(3L * dataSlots.length);
        assertThat(counting.counts().get()).isGreaterThanOrEqualTo(s.blocksFetched());
    }

    @Test
    void theMemoryLimitShrinksDownloadsThenWorkersThenTheCache() {
        Fixture f = fixture(Stores.DIRECTORY, 16 * MIB);
        NbdServer small = serve(f, b -> b.memoryLimit(100 * MIB).cacheBlocks(8).concurrency(4).workers(8));
        NbdServer.Limits l = small.limits();
        long ws = io.drkit.s3.internal.BlockFetcher.workspaceBytes((int) (16 * MIB));

        assertThat(l.concurrency()).isEqualTo(1);
        assertThat(l.workers()).isEqualTo(1);
        // what is left after one download's workspace and one worker's block, in whole 16 MiB blocks
        assertThat(l.cacheBlocks()).isEqualTo((int) ((100 * MIB - ws - 16 * MIB) / (16 * MIB)));
        assertThat(l.cacheBlocks() * 16 * MIB + l.concurrency() * ws + l.workers() * 16 * MIB).isLessThanOrEqualTo(100 * MIB);
        NbdClient c = client(small);
        assertThat(c.read(f.offset(5) - 10, 20)).isEqualTo(Images.read(f.image(), f.offset(5) - 10, 20));
    }

    // ---------------------------------------------------------------- damage

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"corrupt", "missing"})
    void aDamagedBlockFailsWithEioOnlyTheReadsThatTouchIt(String damage) {
        Fixture f = fixture(Stores.DIRECTORY, 2 * MIB);
        String key = BackupstoreLayout.of(f.store().target()).blockKey(VOLUME, f.second().blocks().get(f.offset(4)));
        if (damage.equals("missing")) {
            f.store().source().delete(key);
        } else {
            f.store().source().put(key, "not an lz4 frame".getBytes(StandardCharsets.UTF_8));
        }
        CountingObjectSource counting = CountingObjectSource.wrap(f.store().source());
        NbdServer server = serve(counting, f, b -> b);
        NbdClient c = client(server);

        for (int slot = 0; slot < 12; slot++) {
            long at = f.offset(slot) + 4096;
            if (slot == 4) {
                assertThatThrownBy(() -> c.read(at, 4096)).isInstanceOf(NbdClient.NbdErrorException.class)
                        .satisfies(e -> assertThat(((NbdClient.NbdErrorException) e).error()).isEqualTo(EIO));
            } else {
                assertThat(c.read(at, 4096)).as("slot " + slot).isEqualTo(Images.read(f.image(), at, 4096));
            }
        }
        List<NbdClient.Reply> replies = c.readAll(List.of(new long[] {f.offset(4) - 4096, 4096},
                new long[] {f.offset(4) - 4096, 8192}, new long[] {f.offset(5) - 1, 2}, new long[] {f.offset(5), 1}));
        assertThat(replies).extracting(NbdClient.Reply::error).containsExactly(0, EIO, EIO, 0);
        RequestCounts before = counting.counts();
        assertThat(c.command(NbdClient.CMD_READ, 0, f.offset(4), 512, null)).isEqualTo(EIO);
        assertThat(counting.counts().minus(before).total()).as("a bad block is remembered, not fetched again").isZero();
        assertThat(c.read(0, 4096)).as("the connection goes on").isEqualTo(Images.read(f.image(), 0, 4096));
        NbdStats s = server.stats();
        assertThat(s.ioErrors()).isEqualTo(4);
        assertThat(s.badBlocks()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- commands

    @Test
    void writesTrimsAndZeroingGetEpermBadRangesEinvalAndFlushSucceeds() {
        Fixture f = fixture(Stores.DIRECTORY, 2 * MIB);
        NbdServer server = serve(f, b -> b.maxRequestBytes(8 << 20));
        NbdClient c = client(server);

        assertThat(c.command(NbdClient.CMD_WRITE, 0, 0, 4096, new byte[4096])).isEqualTo(EPERM);
        assertThat(c.command(NbdClient.CMD_TRIM, 0, 0, 4096, null)).isEqualTo(EPERM);
        assertThat(c.command(NbdClient.CMD_WRITE_ZEROES, 0, 0, 4096, null)).isEqualTo(EPERM);
        assertThat(c.command(NbdClient.CMD_FLUSH, 0, 0, 0, null)).isZero();
        assertThat(c.command(NbdClient.CMD_BLOCK_STATUS, 0, 0, 4096, null)).as("not negotiated").isEqualTo(EINVAL);
        assertThat(c.command(99, 0, 0, 4096, null)).as("unknown command").isEqualTo(EINVAL);
        assertThat(c.command(NbdClient.CMD_READ, 0, f.size() - 10, 11, null)).as("past the end").isEqualTo(EINVAL);
        assertThat(c.command(NbdClient.CMD_READ, 0, -1L, 1, null)).as("offset 2^64-1").isEqualTo(EINVAL);
        assertThat(c.command(NbdClient.CMD_READ, 0, 0, (8 << 20) + 1, null)).as("over the request limit").isEqualTo(EINVAL);
        assertThat(c.command(NbdClient.CMD_READ, 4, 0, 4096, null)).as("NBD_CMD_FLAG_DF was not offered").isEqualTo(EINVAL);
        assertThat(c.command(NbdClient.CMD_READ, 0, 0, 0, null)).as("an empty read").isZero();
        assertThat(c.read(0, 8 << 20)).as("the connection goes on").isEqualTo(Images.read(f.image(), 0, 8 << 20));
        assertThat(server.stats().refused()).isEqualTo(9);
    }

    // ---------------------------------------------------------------- handshake

    /** A raw fixed-newstyle conversation. */
    private static final class Raw implements AutoCloseable {
        final Socket s;
        final DataInputStream in;
        final DataOutputStream out;

        Raw(InetSocketAddress a) throws IOException {
            s = new Socket();
            s.setSoTimeout(30_000);
            s.connect(a);
            in = new DataInputStream(s.getInputStream());
            out = new DataOutputStream(s.getOutputStream());
        }

        /** Reads the greeting, returns the handshake flags. */
        int greeting() throws IOException {
            assertThat(in.readLong()).as("NBDMAGIC").isEqualTo(0x4e42444d41474943L);
            assertThat(in.readLong()).as("IHAVEOPT").isEqualTo(0x49484156454F5054L);
            return in.readUnsignedShort();
        }

        void option(int option, byte[] data) throws IOException {
            out.writeLong(0x49484156454F5054L);
            out.writeInt(option);
            out.writeInt(data.length);
            out.write(data);
            out.flush();
        }

        /** One option reply: {option, type} and its data. */
        Object[] reply() throws IOException {
            assertThat(in.readLong()).as("option reply magic").isEqualTo(0x3e889045565a9L);
            int option = in.readInt();
            int type = in.readInt();
            byte[] data = new byte[in.readInt()];
            in.readFully(data);
            return new Object[] {option, type, data};
        }

        boolean closedByServer() {
            try {
                return in.read() < 0;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            s.close();
        }
    }

    private static byte[] goData(String name, int... infos) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + n.length + 2 + 2 * infos.length).putInt(n.length).put(n)
                .putShort((short) infos.length);
        for (int i : infos) {
            b.putShort((short) i);
        }
        return b.array();
    }

    @Test
    void theHandshakeListsInformsRefusesUnknownOptionsAndGoesOn() throws Exception {
        Fixture f = fixture(Stores.DIRECTORY, 2 * MIB);
        NbdServer server = serve(f, b -> b);
        try (Raw r = new Raw(server.address())) {
            assertThat(r.greeting()).as("fixed newstyle, no zeroes").isEqualTo(3);
            r.out.writeInt(1);
            r.option(3, new byte[0]); // NBD_OPT_LIST
            Object[] server1 = r.reply();
            assertThat((int) server1[1]).isEqualTo(2); // NBD_REP_SERVER
            ByteBuffer d = ByteBuffer.wrap((byte[]) server1[2]);
            byte[] name = new byte[d.getInt()];
            d.get(name);
            assertThat(new String(name, StandardCharsets.UTF_8)).isEqualTo(VOLUME);
            assertThat(new String((byte[]) server1[2], StandardCharsets.UTF_8)).contains("backup-0000000000000002");
            assertThat((int) r.reply()[1]).isEqualTo(1); // NBD_REP_ACK

            r.option(3, new byte[1]);
            assertThat((int) r.reply()[1]).as("LIST with data").isEqualTo(0x80000003);
            r.option(8, new byte[0]); // NBD_OPT_STRUCTURED_REPLY
            assertThat((int) r.reply()[1]).isEqualTo(0x80000001);
            r.option(5, new byte[0]); // NBD_OPT_STARTTLS
            assertThat((int) r.reply()[1]).isEqualTo(0x80000001);
            r.option(10, goData("", 0)); // NBD_OPT_SET_META_CONTEXT (not supported)
            assertThat((int) r.reply()[1]).isEqualTo(0x80000001);
            r.option(12345, new byte[17]);
            Object[] unknown = r.reply();
            assertThat(unknown[0]).isEqualTo(12345);
            assertThat((int) unknown[1]).isEqualTo(0x80000001);

            r.option(6, goData("no-such-export")); // NBD_OPT_INFO
            assertThat((int) r.reply()[1]).isEqualTo(0x80000006); // NBD_REP_ERR_UNKNOWN
            r.option(6, new byte[] {0, 0, 0, 9, 0, 0}); // name longer than the data
            assertThat((int) r.reply()[1]).isEqualTo(0x80000003);

            r.option(6, goData(VOLUME, 1, 2, 3, 777)); // name, description, block size, unknown
            List<Integer> infos = new ArrayList<>();
            while (true) {
                Object[] rep = r.reply();
                if ((int) rep[1] == 1) {
                    break;
                }
                assertThat((int) rep[1]).isEqualTo(3); // NBD_REP_INFO
                ByteBuffer b = ByteBuffer.wrap((byte[]) rep[2]);
                int info = b.getShort();
                infos.add(info);
                if (info == 0) {
                    assertThat(((byte[]) rep[2]).length).isEqualTo(12);
                    assertThat(b.getLong()).isEqualTo(f.size());
                    assertThat(b.getShort()).isEqualTo((short) 263);
                } else if (info == 3) {
                    assertThat(((byte[]) rep[2]).length).isEqualTo(14);
                    assertThat(new int[] {b.getInt(), b.getInt(), b.getInt()}).containsExactly(1, 4096, 32 << 20);
                }
            }
            assertThat(infos).containsExactlyInAnyOrder(0, 1, 2, 3);

            r.option(7, goData("")); // NBD_OPT_GO, the default export
            assertThat((int) r.reply()[1]).isEqualTo(3);
            assertThat((int) r.reply()[1]).isEqualTo(1);
            r.out.writeInt(0x25609513);
            r.out.writeShort(0);
            r.out.writeShort(0);
            r.out.writeLong(77);
            r.out.writeLong(f.offset(1));
            r.out.writeInt(16);
            r.out.flush();
            assertThat(r.in.readInt()).isEqualTo(0x67446698);
            assertThat(r.in.readInt()).isZero();
            assertThat(r.in.readLong()).isEqualTo(77);
            byte[] data = new byte[16];
            r.in.readFully(data);
            assertThat(data).isEqualTo(Images.read(f.image(), f.offset(1), 16));
        }
    }

    @Test
    void exportNameEndsTheHandshakeWithOrWithoutTheZeroes() throws Exception {
        Fixture f = fixture(Stores.DIRECTORY, 2 * MIB);
        NbdServer server = serve(f, b -> b);
        for (boolean noZeroes : new boolean[] {false, true}) {
            try (Raw r = new Raw(server.address())) {
                r.greeting();
                r.out.writeInt(noZeroes ? 3 : 1);
                r.option(1, VOLUME.getBytes(StandardCharsets.UTF_8)); // NBD_OPT_EXPORT_NAME
                assertThat(r.in.readLong()).isEqualTo(f.size());
                assertThat(r.in.readUnsignedShort()).isEqualTo(263);
                if (!noZeroes) {
                    byte[] zeroes = new byte[124];
                    r.in.readFully(zeroes);
                    assertThat(zeroes).containsOnly(0);
                }
                r.out.writeInt(0x25609513);
                r.out.writeInt(0); // flags, NBD_CMD_READ
                r.out.writeLong(5);
                r.out.writeLong(0);
                r.out.writeInt(8);
                r.out.flush();
                assertThat(r.in.readInt()).as("the next bytes are the reply").isEqualTo(0x67446698);
            }
        }
        try (Raw r = new Raw(server.address())) {
            r.greeting();
            r.out.writeInt(1);
            r.option(1, "other".getBytes(StandardCharsets.UTF_8));
            assertThat(r.closedByServer()).as("an unknown export name ends the session").isTrue();
        }
    }

    @Test
    void abortIsAcknowledgedAndProtocolViolationsCloseTheConnection() throws Exception {
        Fixture f = fixture(Stores.DIRECTORY, 2 * MIB);
        NbdServer server = serve(f, b -> b);
        try (Raw r = new Raw(server.address())) {
            r.greeting();
            r.out.writeInt(1);
            r.option(2, new byte[0]); // NBD_OPT_ABORT
            assertThat((int) r.reply()[1]).isEqualTo(1);
            assertThat(r.closedByServer()).isTrue();
        }
        try (Raw r = new Raw(server.address())) {
            r.greeting();
            r.out.writeInt(1 << 5); // unknown client flag
            r.out.flush();
            assertThat(r.closedByServer()).isTrue();
        }
        try (Raw r = new Raw(server.address())) {
            r.greeting();
            r.out.writeInt(1);
            r.out.writeLong(0x1234);
            r.out.writeLong(0);
            r.out.flush();
            assertThat(r.closedByServer()).as("an option without IHAVEOPT").isTrue();
        }
        try (Raw r = new Raw(server.address())) {
            r.greeting();
            r.out.writeInt(1);
            r.out.writeLong(0x49484156454F5054L);
            r.out.writeInt(7);
            r.out.writeInt(0x7fffffff); // 2 GiB of option data
            r.out.flush();
            assertThat(r.closedByServer()).as("an option longer than the limit").isTrue();
        }
        try (NbdClient c = NbdClient.connect(server.address())) {
            assertThat(c.read(0, 16)).as("the server is still fine").isEqualTo(Images.read(f.image(), 0, 16));
        }
    }

    // ---------------------------------------------------------------- concurrency, limits, timeouts

    @Test
    void manyClientsWithManyRequestsInFlightEachGetTheirOwnBytes() throws Exception {
        Fixture f = fixture(Stores.S3, 2 * MIB);
        NbdServer server = serve(f, b -> b.cacheBlocks(4).requestsPerClient(4));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                done.add(pool.submit(() -> {
                    try (NbdClient c = NbdClient.connect(server.address())) {
                        SplittableRandom r = new SplittableRandom(seed);
                        for (int round = 0; round < 2; round++) {
                            List<long[]> ranges = new ArrayList<>();
                            for (int i = 0; i < 24; i++) {
                                long off = r.nextLong(f.size() - 65536);
                                ranges.add(new long[] {off, 1 + r.nextInt(65536)});
                            }
                            List<NbdClient.Reply> replies = c.readAll(ranges);
                            for (int i = 0; i < ranges.size(); i++) {
                                long[] q = ranges.get(i);
                                assertThat(replies.get(i).error()).isZero();
                                assertThat(replies.get(i).data()).isEqualTo(Images.read(f.image(), q[0], (int) q[1]));
                            }
                        }
                        c.disconnect();
                    }
                    return null;
                }));
            }
            for (Future<?> d : done) {
                d.get();
            }
        } finally {
            pool.shutdownNow();
        }
        NbdStats s = server.stats();
        assertThat(s.clientsAccepted()).isEqualTo(4);
        assertThat(s.reads()).isEqualTo(4 * 2 * 24);
        assertThat(s.peakCachedBlocks()).isLessThanOrEqualTo(4);
    }

    @Test
    void connectionsBeyondTheLimitAreRefused() throws Exception {
        Fixture f = fixture(Stores.DIRECTORY, 2 * MIB);
        NbdServer server = serve(f, b -> b.maxClients(1));
        NbdClient first = client(server);
        try (Raw second = new Raw(server.address())) {
            assertThat(second.closedByServer()).isTrue();
        }
        assertThat(first.read(0, 16)).isEqualTo(Images.read(f.image(), 0, 16));
        assertThat(server.stats().clientsRefused()).isEqualTo(1);
    }

    @Test
    void silentAndSlowClientsAreDisconnected() throws Exception {
        Fixture f = fixture(Stores.DIRECTORY, 2 * MIB);
        NbdServer server = serve(f, b -> b.handshakeTimeout(Duration.ofMillis(300)).ioTimeout(Duration.ofMillis(300)));
        try (Raw r = new Raw(server.address())) {
            r.greeting();
            assertThat(r.closedByServer()).as("no handshake").isTrue();
        }
        try (NbdClient c = NbdClient.connect(server.address())) {
            c.read(0, 16);
            // half a request header, then nothing
            Socket raw = socketOf(c);
            raw.getOutputStream().write(new byte[] {0x25, 0x60, (byte) 0x95, 0x13, 0, 0});
            raw.getOutputStream().flush();
            assertThat(c.serverClosed()).as("a request that never completes").isTrue();
        }
        try (NbdClient idle = NbdClient.connect(server.address())) {
            assertThat(idle.read(0, 16)).as("without an idle timeout a silent client may stay").hasSize(16);
        }
        NbdServer strict = serve(f, b -> b.idleTimeout(Duration.ofMillis(300)));
        try (NbdClient idle = NbdClient.connect(strict.address())) {
            idle.read(0, 16);
            assertThat(idle.serverClosed()).as("idle past the idle timeout").isTrue();
        }
    }

    @Test
    void aClientWaitingForAReplyIsNotIdle() throws Exception {
        Fixture f = fixture(Stores.DIRECTORY, 2 * MIB);
        FaultyObjectSource slow = new FaultyObjectSource(f.store().source())
                .delay(RequestKind.GET, key -> key.endsWith(".blk"), Duration.ofMillis(700));
        NbdServer server = serve(slow, f, b -> b.idleTimeout(Duration.ofMillis(200)));
        try (NbdClient c = NbdClient.connect(server.address())) {
            assertThat(c.read(f.offset(0), 16)).as("a reply that takes longer than the idle timeout")
                    .isEqualTo(Images.read(f.image(), f.offset(0), 16));
            assertThat(c.serverClosed()).as("silent after its reply: idle").isTrue();
        }
    }

    private static Socket socketOf(NbdClient c) throws Exception {
        java.lang.reflect.Field f = NbdClient.class.getDeclaredField("socket");
        f.setAccessible(true);
        return (Socket) f.get(c);
    }

    @Test
    void listensOnLoopbackUnlessRemoteAccessIsAllowedExplicitly() {
        Fixture f = fixture(Stores.DIRECTORY, 2 * MIB);
        assertThatThrownBy(() -> NbdServer.builder(f.store().source(), f.store().target(), BackupSelection.newest(VOLUME))
                .listen("0.0.0.0", 0).start()).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a loopback address").hasMessageContaining("no authentication");
        NbdServer server = serve(f, b -> b.listen("0.0.0.0", 0).allowRemote(true));
        try (NbdClient c = NbdClient.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                server.address().getPort()))) {
            assertThat(c.read(0, 16)).isEqualTo(Images.read(f.image(), 0, 16));
        }
        NbdServer defaults = track(NbdServer.builder(f.store().source(), f.store().target(), BackupSelection.newest(VOLUME))
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).start());
        assertThat(defaults.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(defaults.uri()).isEqualTo("nbd://127.0.0.1:" + defaults.address().getPort());
    }

    @Test
    void closingDisconnectsEveryClientAndStopsListening() throws Exception {
        Fixture f = fixture(Stores.DIRECTORY, 2 * MIB);
        NbdServer server = serve(f, b -> b.shutdownGrace(Duration.ofSeconds(5)));
        NbdClient c = client(server);
        c.read(0, 4096);

        server.close();

        assertThat(server.awaitClosed(Duration.ofSeconds(30))).isTrue();
        assertThat(c.serverClosed()).isTrue();
        assertThatThrownBy(() -> NbdClient.connect(server.address())).isInstanceOf(io.drkit.core.UnavailableException.class);
        assertThat(server.stats().clientsConnected()).isZero();
        server.close(); // idempotent
    }
}
