package io.drkit.examples.bench;

import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/** A write-only channel that discards everything (position and size only). */
final class DiscardingChannel implements SeekableByteChannel {
    private long position;
    private long size;
    private boolean open = true;

    @Override
    public int read(ByteBuffer dst) {
        return -1;
    }

    @Override
    public int write(ByteBuffer src) {
        int n = src.remaining();
        src.position(src.limit());
        position += n;
        size = Math.max(size, position);
        return n;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long p) {
        position = p;
        return this;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long s) {
        size = Math.min(size, s);
        return this;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
