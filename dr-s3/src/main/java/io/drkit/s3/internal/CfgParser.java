package io.drkit.s3.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.JsonLimits;
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
 * is read without materialising {@code Blocks}: the parser stops at that field. Every document is held to
 * {@link JsonLimits#BACKUPSTORE_CFG} (nesting, number and string lengths, labels and parameters per cfg) and every
 * number to its range: a cfg beyond a bound, or any malformed JSON, is {@link InvalidBackupDataException} naming the
 * bound, the JSON path and the object key, never an I/O failure; only the store's own read errors are
 * {@link io.drkit.core.UnavailableException}. Thread-safe (stateless).
 */
public final class CfgParser {
    /** The bounds of every cfg and lock file read from a store: {@link JsonLimits#BACKUPSTORE_CFG}. */
    public static final JsonLimits LIMITS = JsonLimits.BACKUPSTORE_CFG;
    /**
     * Shared factory enforcing {@link #LIMITS} (nesting, number and string lengths); documents may be long (a
     * {@code Blocks} array of 50+ MB is streamed, never held).
     */
    public static final JsonFactory JSON = LIMITS.factory();

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
            try {
                return volume(p, location);
            } catch (JsonEOFException e) {
                throw new InvalidBackupDataException(location, "volume.cfg is truncated: " + e.getOriginalMessage(), e);
            } catch (JsonProcessingException e) {
                throw invalid(e, p, "volume.cfg", location);
            }
        } catch (IOException e) {
            throw unreadable(e, location);
        }
    }

    private static VolumeConfig volume(JsonParser p, String location) throws IOException {
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
        StoreLimits.volumeSize(size, location);
        StoreLimits.nonNegative(blockCount, "volume.cfg BlockCount", location);
        return new VolumeConfig(name, size, labels, created, lastName, lastAt, blockCount, biName, biChecksum,
                compression, sc, engine);
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
            try {
                return backup(p, location);
            } catch (JsonEOFException e) {
                throw new TruncatedException(e);
            } catch (JsonParseException e) {
                if (isEndOfInput(e)) {
                    throw new TruncatedException(e);
                }
                throw invalid(e, p, "backup cfg", location);
            } catch (JsonProcessingException e) {
                throw invalid(e, p, "backup cfg", location);
            }
        } catch (IOException e) {
            throw unreadable(e, location);
        }
    }

    private static BackupConfig backup(JsonParser p, String location) throws IOException {
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
                case "size" -> size = StoreLimits.nonNegative(int64(p, "Size", location), "Size", location);
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
    }

    /**
     * The error for a document that Jackson refused: over a bound of {@link #LIMITS} (named, with the JSON path), a
     * number out of range, or malformed JSON. Bad data of that one object, never an I/O failure.
     */
    static InvalidBackupDataException invalid(JsonProcessingException e, JsonParser p, String what, String location) {
        String path = path(p);
        if (e instanceof StreamConstraintsException c) {
            return new InvalidBackupDataException(location, what + " " + LIMITS.describe(c) + path, e);
        }
        if (e instanceof com.fasterxml.jackson.core.exc.InputCoercionException) {
            return new InvalidBackupDataException(location, what + " has a number out of range" + path + ": "
                    + e.getOriginalMessage(), e);
        }
        return new InvalidBackupDataException(location, what + " is not valid JSON" + path + ": " + e.getOriginalMessage(), e);
    }

    /** The store failed to deliver the bytes (not the document's fault): {@link io.drkit.core.UnavailableException}. */
    static RuntimeException unreadable(IOException e, String location) {
        return new io.drkit.core.UnavailableException("reading " + location + " failed: " + e.getMessage(), e);
    }

    private static String path(JsonParser p) {
        if (p == null) {
            return "";
        }
        try {
            String ptr = p.getParsingContext().pathAsPointer().toString();
            return ptr.isEmpty() ? "" : " (JSON path " + (ptr.length() > 200 ? ptr.substring(0, 200) + "..." : ptr) + ")";
        } catch (RuntimeException ex) {
            return "";
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
            JsonParser.NumberType type = p.getNumberType();
            if (type == JsonParser.NumberType.BIG_INTEGER) {
                throw new InvalidBackupDataException(location, field + " " + p.getText()
                        + " is out of range: larger than a 64-bit integer (" + Long.MAX_VALUE + ")");
            }
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
                String shown = s.length() > 40 ? s.substring(0, 40) + "... (" + s.length() + " characters)" : s;
                throw new InvalidBackupDataException(location, field + " '" + shown + "' is not an integer"
                        + (s.matches("-?[0-9]+") ? " in the range of a 64-bit integer" : ""), e);
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
        long chars = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken v = p.nextToken();
            String value;
            if (v == JsonToken.VALUE_NULL) {
                value = "";
            } else if (v.isScalarValue()) {
                value = p.getText();
            } else {
                throw new InvalidBackupDataException(location, field + "." + k + " is not a string");
            }
            chars += k.length() + value.length();
            if (chars > LIMITS.maxEntryBytes()) {
                throw new InvalidBackupDataException(location, LIMITS.entriesTooLarge(field));
            }
            out.put(k, value);
            if (out.size() > LIMITS.maxEntries()) {
                throw new InvalidBackupDataException(location, LIMITS.tooManyEntries(field));
            }
        }
        return out;
    }
}
