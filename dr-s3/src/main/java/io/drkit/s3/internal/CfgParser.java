package io.drkit.s3.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.model.CompressionMethod;
import io.drkit.core.util.Times;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Streaming parsers for Longhorn's {@code volume.cfg} and {@code backup_<name>.cfg}, accepting everything Longhorn
 * has written since 1.0: keys matched case-insensitively (as Go's decoder does), numbers as strings or numbers,
 * double-encoded strings ({@code "\"lz4\""}) and their plain form, {@code null} maps, unknown keys. Backup metadata
 * is read without materialising {@code Blocks}: the parser stops at that field. Thread-safe (stateless).
 */
public final class CfgParser {
    /** Shared factory; allows long documents (a {@code Blocks} array of 50+ MB is streamed, never held). */
    public static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(64 << 20).build())
            .build();

    private CfgParser() {
    }

    /** Raised when a document ends (or a prefix read ends) before the metadata is complete. */
    public static final class TruncatedException extends Exception {
        private static final long serialVersionUID = 1L;

        TruncatedException(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /**
     * Parses a {@code volume.cfg}.
     *
     * @param location the key, for messages
     * @throws InvalidBackupDataException when it is not a JSON object of the expected shape
     */
    public static VolumeConfig parseVolume(InputStream in, String location) {
        try (JsonParser p = JSON.createParser(in)) {
            expectObject(p, location);
            String name = null;
            String created = null;
            String lastName = null;
            String lastAt = null;
            String biName = null;
            String biChecksum = null;
            String compression = null;
            String sc = null;
            String engine = null;
            long size = 0;
            long blockCount = 0;
            Map<String, String> labels = Map.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName().toLowerCase(Locale.ROOT);
                p.nextToken();
                switch (field) {
                    case "name" -> name = string(p, "Name", location);
                    case "size" -> size = int64(p, "Size", location);
                    case "labels" -> labels = stringMap(p, "Labels", location);
                    case "createdtime" -> created = string(p, "CreatedTime", location);
                    case "lastbackupname" -> lastName = string(p, "LastBackupName", location);
                    case "lastbackupat" -> lastAt = string(p, "LastBackupAt", location);
                    case "blockcount" -> blockCount = int64(p, "BlockCount", location);
                    case "backingimagename" -> biName = unquote(string(p, "BackingImageName", location));
                    case "backingimagechecksum" -> biChecksum = unquote(string(p, "BackingImageChecksum", location));
                    case "compressionmethod" -> compression = unquote(string(p, "CompressionMethod", location));
                    case "storageclassname" -> sc = unquote(string(p, "StorageClassName", location));
                    case "dataengine" -> engine = unquote(string(p, "DataEngine", location));
                    default -> p.skipChildren();
                }
            }
            return new VolumeConfig(name, size, labels, created, lastName, lastAt, blockCount, biName, biChecksum,
                    compression, sc, engine);
        } catch (JsonEOFException e) {
            throw new InvalidBackupDataException(location, "volume.cfg is truncated: " + e.getOriginalMessage(), e);
        } catch (JsonParseException e) {
            throw new InvalidBackupDataException(location, "volume.cfg is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new io.drkit.core.UnavailableException("reading " + location + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Parses the metadata of a backup cfg, stopping at {@code Blocks} (Longhorn writes every other field except
     * {@code SingleFile} before it). Fields that a hand-made file puts after {@code Blocks} are still read when
     * {@code Name} or {@code CreatedTime} had not been seen yet.
     *
     * @throws TruncatedException when the input ends before the metadata is complete (read a longer prefix)
     * @throws InvalidBackupDataException when it is not a JSON object of the expected shape
     */
    public static BackupConfig parseBackupMetadata(InputStream in, String location) throws TruncatedException {
        try (JsonParser p = JSON.createParser(in)) {
            expectObject(p, location);
            String name = null;
            String volume = null;
            String snapshot = null;
            String snapAt = null;
            String created = null;
            String compression = null;
            long size = 0;
            long newly = 0;
            long reup = 0;
            boolean incremental = false;
            boolean hasBlocks = false;
            boolean seenCreated = false;
            Map<String, String> labels = Map.of();
            Map<String, String> params = Map.of();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName().toLowerCase(Locale.ROOT);
                p.nextToken();
                switch (field) {
                    case "name" -> name = string(p, "Name", location);
                    case "volumename" -> volume = string(p, "VolumeName", location);
                    case "snapshotname" -> snapshot = string(p, "SnapshotName", location);
                    case "snapshotcreatedat" -> snapAt = string(p, "SnapshotCreatedAt", location);
                    case "createdtime" -> {
                        created = string(p, "CreatedTime", location);
                        seenCreated = true;
                    }
                    case "size" -> size = int64(p, "Size", location);
                    case "labels" -> labels = stringMap(p, "Labels", location);
                    case "parameters" -> params = stringMap(p, "Parameters", location);
                    case "isincremental" -> incremental = bool(p, "IsIncremental", location);
                    case "compressionmethod" -> compression = string(p, "CompressionMethod", location);
                    case "newlyuploadeddatasize" -> newly = int64(p, "NewlyUploadedDataSize", location);
                    case "reuploadeddatasize" -> reup = int64(p, "ReUploadedDataSize", location);
                    case "blocks" -> {
                        hasBlocks = p.currentToken() == JsonToken.START_ARRAY;
                        if (name != null && seenCreated) {
                            return new BackupConfig(name, volume, snapshot, snapAt, created, size, labels, params,
                                    incremental, compression, newly, reup, hasBlocks);
                        }
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new InvalidBackupDataException(location, "backup cfg is not a JSON object");
            }
            return new BackupConfig(name, volume, snapshot, snapAt, created, size, labels, params, incremental,
                    compression, newly, reup, hasBlocks);
        } catch (JsonEOFException e) {
            throw new TruncatedException(e);
        } catch (JsonParseException e) {
            if (isEndOfInput(e)) {
                throw new TruncatedException(e);
            }
            throw new InvalidBackupDataException(location, "backup cfg is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new io.drkit.core.UnavailableException("reading " + location + " failed: " + e.getMessage(), e);
        }
    }

    /** Whether Jackson failed because the input ended (a truncated file or prefix). */
    static boolean isEndOfInput(JsonParseException e) {
        return e instanceof JsonEOFException || String.valueOf(e.getOriginalMessage()).contains("end-of-input");
    }

    /** Parses backup metadata from a complete document; truncation is invalid data. */
    public static BackupConfig parseBackupMetadataComplete(InputStream in, String location) {
        try {
            return parseBackupMetadata(in, location);
        } catch (TruncatedException e) {
            throw new InvalidBackupDataException(location, "backup cfg is truncated: " + e.getMessage(), e.getCause());
        }
    }

    /** {@code CompressionMethod} as an enum. */
    static CompressionMethod compression(String raw, String location) {
        return CompressionMethod.parse(raw).orElseThrow(() -> new InvalidBackupDataException(location,
                "unknown compression method '" + raw + "'"));
    }

    /**
     * Parses an RFC 3339 time as Longhorn writes it; empty for an empty value.
     *
     * @throws InvalidBackupDataException when non-empty and not RFC 3339
     */
    public static Optional<Instant> time(String raw, String field, String location) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            return Times.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidBackupDataException(location, field + " '" + raw + "' is not an RFC 3339 time", e);
        }
    }

    /** Undoes Go's {@code ,string} encoding of a string field: {@code "\"lz4\""} becomes {@code lz4}; plain stays. */
    public static String unquote(String s) {
        if (s == null || s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
            return s;
        }
        try (JsonParser p = JSON.createParser(s)) {
            if (p.nextToken() == JsonToken.VALUE_STRING) {
                String v = p.getText();
                if (p.nextToken() == null) {
                    return v;
                }
            }
        } catch (IOException e) {
            // not a JSON string literal after all: keep it as written
        }
        return s;
    }

    static void expectObject(JsonParser p, String location) throws IOException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            throw new InvalidBackupDataException(location, t == null ? "cfg is empty" : "cfg is not a JSON object");
        }
    }

    private static String string(JsonParser p, String field, String location) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return "";
        }
        if (t.isScalarValue()) {
            return p.getText();
        }
        throw new InvalidBackupDataException(location, field + " is not a string");
    }

    static long int64(JsonParser p, String field, String location) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_NULL) {
            return 0;
        }
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getText().trim();
            if (s.isEmpty()) {
                return 0;
            }
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new InvalidBackupDataException(location, field + " '" + s + "' is not an integer", e);
            }
        }
        throw new InvalidBackupDataException(location, field + " is not an integer");
    }

    private static boolean bool(JsonParser p, String field, String location) throws IOException {
        JsonToken t = p.currentToken();
        return switch (t) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE, VALUE_NULL -> false;
            case VALUE_STRING -> Boolean.parseBoolean(p.getText().trim());
            default -> throw new InvalidBackupDataException(location, field + " is not a boolean");
        };
    }

    private static Map<String, String> stringMap(JsonParser p, String field, String location) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return Map.of();
        }
        if (t != JsonToken.START_OBJECT) {
            throw new InvalidBackupDataException(location, field + " is not an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NULL) {
                out.put(k, "");
            } else if (v.isScalarValue()) {
                out.put(k, p.getText());
            } else {
                throw new InvalidBackupDataException(location, field + "." + k + " is not a string");
            }
        }
        return out;
    }
}
