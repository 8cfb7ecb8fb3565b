package io.drkit.s3.internal;

import io.drkit.core.InvalidInputException;
import io.drkit.core.UnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;

/** A caller's channel, written in place and never closed (what was written stays when a restore fails). */
final class ChannelTarget extends ImageDestination {
    private final SeekableByteChannel channel;
    private final FileChannel file;
    private final boolean zeroed;
    private BackgroundSync sync;

    ChannelTarget(SeekableByteChannel channel, boolean zeroed) {
        this.channel = channel;
        this.file = channel instanceof FileChannel f ? f : null;
        this.zeroed = zeroed;
    }

    @Override
    public boolean readsAsZeros() {
        return zeroed;
    }

    @Override
    public String describe() {
        return "caller's channel (" + channel.getClass().getSimpleName() + ")";
    }

    @Override
    public void open(long size) {
        if (!channel.isOpen()) {
            throw new InvalidInputException("cannot restore to a closed channel");
        }
        if (file != null) {
            sync = new BackgroundSync(file, describe());
        }
        try {
            if (channel.size() < size && zeroed) {
                // make a growable channel (a file) as long as the image; a device is as long as it is
                writeAt(new byte[1], 0, 1, size - 1);
            }
        } catch (IOException e) {
            throw new UnavailableException("preparing " + describe() + " for " + size + " bytes failed: "
                    + e.getMessage(), e);
        }
    }

    @Override
    protected void writeAt(byte[] data, int off, int len, long position) throws IOException {
        if (file != null) {
            writeFully(file, data, off, len, position);
            sync.wrote(len);
            return;
        }
        synchronized (channel) {
            channel.position(position);
            ByteBuffer buf = ByteBuffer.wrap(data, off, len);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }
    }

    @Override
    public void commit() {
        if (file != null) {
            try {
                sync.finish();
                file.force(true);
            } catch (IOException e) {
                throw new UnavailableException("syncing " + describe() + " failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void abort() {
        // the caller's channel: what was written stays; the caller decides
        if (sync != null) {
            sync.stop();
        }
    }
}
