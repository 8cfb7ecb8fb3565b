package io.drkit.s3.internal;

import io.drkit.core.ConflictException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.util.Sizes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A block device, written in place: opened for writing only (never created, truncated, renamed or removed), checked
 * to hold the image before anything is written, synced at the end. Every byte of the image is written (holes as
 * zeros); what lies beyond the image is left as it was. A failed or cancelled restore leaves it partly written.
 */
final class DeviceTarget extends ImageDestination {
    private static final Logger LOG = LoggerFactory.getLogger(ImageDestination.class);
    private final Path device;
    private final boolean overwrite;
    private final Function<Path, FileKind> probe;
    private FileChannel ch;
    private ChannelTarget writer;

    DeviceTarget(Path device, boolean overwrite, Function<Path, FileKind> probe) {
        this.device = device;
        this.overwrite = overwrite;
        this.probe = probe;
    }

    @Override
    public void check() {
        FileKind kind = probe.apply(device);
        if (kind != FileKind.BLOCK_DEVICE) {
            throw new InvalidInputException("cannot restore to " + device + ": it was a block device and is now "
                    + kind.description());
        }
        if (!overwrite) {
            throw new ConflictException("block device " + device + " would be overwritten: the image replaces "
                    + "its contents; allow overwriting to write onto a device");
        }
    }

    @Override
    public boolean readsAsZeros() {
        return false;
    }

    @Override
    public String describe() {
        return device.toString();
    }

    @Override
    public void open(long size) {
        check();
        long capacity;
        try {
            ch = FileChannel.open(device, StandardOpenOption.WRITE); // no CREATE, no TRUNCATE_EXISTING
            capacity = ch.size();
        } catch (IOException e) {
            abort(); // no such device behind the node, no permission: the output cannot be used
            throw new InvalidInputException("cannot open block device " + device + " for writing: "
                    + e.getMessage(), e);
        }
        if (capacity < size) {
            abort();
            throw new InvalidInputException("block device " + device + " holds " + capacity + " bytes ("
                    + Sizes.human(capacity) + "), less than the " + size + "-byte image ("
                    + Sizes.human(size) + "); nothing was written");
        }
        writer = new ChannelTarget(ch, false);
        writer.open(size);
    }

    @Override
    protected void writeAt(byte[] data, int off, int len, long position) throws IOException {
        writer.writeAt(data, off, len, position);
    }

    @Override
    public void commit() {
        try {
            writer.commit();
        } finally {
            closeQuietly();
        }
    }

    @Override
    public void abort() {
        if (writer != null) {
            writer.abort();
        }
        closeQuietly();
    }

    private void closeQuietly() {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", device, e.toString());
            }
            ch = null;
        }
    }
}
