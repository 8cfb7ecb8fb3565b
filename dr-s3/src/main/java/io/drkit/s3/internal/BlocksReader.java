package io.drkit.s3.internal;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.drkit.core.InvalidBackupDataException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * Streams the {@code Blocks} list of a backup cfg one {@link BlockMapping} at a time, so that a restore or a
 * verification of a multi-terabyte volume never holds the list (tens of MB of JSON) in memory. Entries come in file
 * order (Longhorn sorts them by offset). Closing it closes the stream. Not thread-safe.
 *
 * <pre>{@code
 * try (BlocksReader r = BlocksReader.open(source.get(key), key)) {
 *     while (r.hasNext()) { BlockMapping m = r.next(); ... }
 * }
 * }</pre>
 */
public final class BlocksReader implements Iterator<BlockMapping>, AutoCloseable {
    private final JsonParser parser;
    private final String location;
    private BlockMapping next;
    private boolean done;
    private long count;

    private BlocksReader(JsonParser parser, String location) {
        this.parser = parser;
        this.location = location;
    }

    /**
     * Positions a reader at the {@code Blocks} array of the cfg in {@code in} (an absent or {@code null}
     * {@code Blocks} gives an empty reader).
     *
     * @throws InvalidBackupDataException when the document is not a backup cfg
     */
    public static BlocksReader open(InputStream in, String location) {
        BlocksReader r;
        try {
            r = new BlocksReader(CfgParser.JSON.createParser(in), location);
            r.seek();
        } catch (JsonEOFException e) {
            closeQuietly(in);
            throw new InvalidBackupDataException(location, "backup cfg is truncated: " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            closeQuietly(in);
            throw CfgParser.invalid(e, e.getProcessor() instanceof JsonParser jp ? jp : null, "backup cfg", location);
        } catch (IOException e) {
            closeQuietly(in);
            throw io(location, e);
        }
        return r;
    }

    private void seek() throws IOException {
        CfgParser.expectObject(parser, location);
        JsonToken t;
        while ((t = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = parser.currentName().toLowerCase(Locale.ROOT);
            JsonToken v = parser.nextToken();
            if ("blocks".equals(field)) {
                if (v == JsonToken.START_ARRAY) {
                    return;
                }
                if (v != JsonToken.VALUE_NULL) {
                    throw new InvalidBackupDataException(location, "Blocks is not an array");
                }
            } else {
                parser.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new InvalidBackupDataException(location, "backup cfg ends before its Blocks list");
        }
        done = true;
    }

    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        if (done) {
            return false;
        }
        try {
            JsonToken t = parser.nextToken();
            if (t == JsonToken.END_ARRAY) {
                done = true;
                return false;
            }
            if (t != JsonToken.START_OBJECT) {
                throw new InvalidBackupDataException(location, "Blocks entry " + count + " is not an object");
            }
            long offset = 0;
            boolean hasOffset = false;
            String checksum = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String f = parser.currentName().toLowerCase(Locale.ROOT);
                parser.nextToken();
                if ("offset".equals(f)) {
                    offset = CfgParser.int64(parser, "Blocks entry " + count + ": Offset", location);
                    hasOffset = true;
                } else if ("blockchecksum".equals(f)) {
                    checksum = parser.getValueAsString();
                } else {
                    parser.skipChildren();
                }
            }
            if (!hasOffset) {
                throw new InvalidBackupDataException(location, "Blocks entry " + count + " lacks Offset");
            }
            if (offset < 0) {
                throw new InvalidBackupDataException(location, "Blocks entry " + count + ": Offset " + offset + " is negative");
            }
            if (checksum == null || checksum.isEmpty()) {
                throw new InvalidBackupDataException(location, "Blocks entry " + count + " lacks BlockChecksum");
            }
            count++;
            next = new BlockMapping(offset, checksum);
            return true;
        } catch (JsonParseException e) {
            throw new InvalidBackupDataException(location, "Blocks list is " + (CfgParser.isEndOfInput(e) ? "truncated" : "not valid JSON")
                    + " after " + count + " entries: " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw CfgParser.invalid(e, parser, "Blocks list after " + count + " entries:", location);
        } catch (IOException e) {
            throw io(location, e);
        }
    }

    @Override
    public BlockMapping next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more blocks in " + location);
        }
        BlockMapping m = next;
        next = null;
        return m;
    }

    /** Entries returned so far. */
    public long count() {
        return count;
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    private static RuntimeException io(String location, IOException e) {
        return CfgParser.unreadable(e, location);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
