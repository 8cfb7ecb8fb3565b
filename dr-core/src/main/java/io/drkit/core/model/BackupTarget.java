package io.drkit.core.model;

import io.drkit.core.InvalidInputException;
import io.drkit.core.internal.GoUrls;
import io.drkit.core.util.Redaction;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Longhorn backup target: where the backupstore lives, parsed from the URL Longhorn is configured with.
 *
 * <p>Accepted forms (as Longhorn's {@code backupstore} drivers parse them):
 * <ul>
 *   <li>{@code s3://bucket@region/path/} and {@code s3://bucket/path/} (the path may be empty but the slash after the
 *       bucket is required);</li>
 *   <li>{@code nfs://server:/export/path} (optionally {@code ?nfsOptions=...});</li>
 *   <li>{@code cifs://server/share/path} (optionally {@code ?cifsOptions=...});</li>
 *   <li>{@code azblob://container@core.windows.net/path/} and {@code azblob://container/path/};</li>
 *   <li>{@code vfs:///dir}, {@code file:///dir} or a plain directory path: a local directory (a mounted NFS or CIFS
 *       share, or a copy of the bucket) that holds the {@code backupstore/} folder.</li>
 * </ul>
 * Query options are kept. Credentials never travel in a target URL, since target and backup URLs end up in plan files,
 * in volumes' {@code fromBackup} and in logs: URLs that embed user info ({@code s3://key:secret@...}) and options
 * whose name or sub-option looks like a secret ({@link Redaction#isSecretName}: {@code token=}, {@code accessKey=},
 * {@code cifsOptions=...,password=...}) are refused; credentials belong in the backup-target Secret, as Longhorn
 * documents. {@link #toString()} still goes through {@link Redaction}.
 *
 * @param scheme  the driver
 * @param host    S3 bucket, Azure container, or NFS/CIFS server; empty for local directories
 * @param region  S3 region or Azure endpoint suffix (the part after {@code @}); empty when not given
 * @param path    for S3/Azure the key prefix as written after the first slash ({@code ""}, {@code "dr"} or
 *                {@code "dr/"}); for NFS/CIFS/local the absolute path ({@code /export/path})
 * @param options the URL's query parameters, in their original order
 */
public record BackupTarget(Scheme scheme, String host, String region, String path, Map<String, String> options) {

    /** The backupstore drivers Longhorn knows. */
    public enum Scheme {
        /** Amazon S3 or any S3-compatible store. */
        S3("s3"),
        /** An NFS export. */
        NFS("nfs"),
        /** A CIFS/SMB share. */
        CIFS("cifs"),
        /** Azure Blob Storage. */
        AZBLOB("azblob"),
        /** Longhorn's test driver: a local directory. */
        VFS("vfs"),
        /** A local directory (a mounted share or a copy of the bucket). */
        LOCAL("file");

        private final String prefix;

        Scheme(String prefix) {
            this.prefix = prefix;
        }

        /** The URL scheme, e.g. {@code s3}. */
        public String prefix() {
            return prefix;
        }

        /** Whether the store is reached as objects (S3, Azure) rather than as files. */
        public boolean isObjectStore() {
            return this == S3 || this == AZBLOB;
        }
    }

    /** Validates and copies. */
    public BackupTarget {
        Objects.requireNonNull(scheme, "scheme");
        host = Objects.requireNonNullElse(host, "");
        region = Objects.requireNonNullElse(region, "");
        path = Objects.requireNonNullElse(path, "");
        options = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNullElse(options, Map.of())));
        if ((scheme.isObjectStore() || scheme == Scheme.NFS || scheme == Scheme.CIFS) && host.isEmpty()) {
            throw new InvalidInputException("backup target " + scheme.prefix() + ":// URL has no "
                    + (scheme.isObjectStore() ? "bucket/container" : "server"));
        }
        if (!scheme.isObjectStore() && !path.startsWith("/")) {
            throw new InvalidInputException("backup target path must be absolute: '" + path + "'");
        }
        options.forEach((k, v) -> {
            if (Redaction.isSecretName(k) || Redaction.hasSecretSubOption(v)) {
                throw new InvalidInputException("backup target URL must not carry credentials (option '" + k + "'"
                        + (Redaction.isSecretName(k) ? "" : " has a secret-like sub-option") + "); put them in the"
                        + " backup-target Secret");
            }
        });
    }

    /** An S3 target {@code s3://bucket@region/prefix}; {@code region} and {@code prefix} may be empty. */
    public static BackupTarget s3(String bucket, String region, String prefix) {
        return new BackupTarget(Scheme.S3, bucket, region, prefix == null ? "" : stripLeadingSlash(prefix), Map.of());
    }

    /** A local directory that contains (or will contain) a {@code backupstore/} folder. */
    public static BackupTarget directory(Path dir) {
        return new BackupTarget(Scheme.LOCAL, "", "", dir.toAbsolutePath().normalize().toString(), Map.of());
    }

    /**
     * Parses a backup-target URL or a local directory path.
     *
     * @throws InvalidInputException naming the URL and what is wrong with it
     */
    public static BackupTarget parse(String url) {
        if (url == null || url.isBlank()) {
            throw new InvalidInputException("backup target URL is empty");
        }
        String s = url.trim();
        int schemeEnd = s.indexOf("://");
        if (schemeEnd < 0) {
            return directory(Path.of(s));
        }
        String schemeText = s.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        String rest = s.substring(schemeEnd + 3);
        Map<String, String> options = Map.of();
        int q = rest.indexOf('?');
        if (q >= 0) {
            options = GoUrls.decode(rest.substring(q + 1));
            rest = rest.substring(0, q);
        }
        Scheme scheme = switch (schemeText) {
            case "s3" -> Scheme.S3;
            case "nfs" -> Scheme.NFS;
            case "cifs" -> Scheme.CIFS;
            case "azblob" -> Scheme.AZBLOB;
            case "vfs" -> Scheme.VFS;
            case "file" -> Scheme.LOCAL;
            default -> throw new InvalidInputException("unsupported backup target scheme '" + schemeText
                    + "' in " + Redaction.url(url) + " (expected s3, nfs, cifs, azblob, vfs or file)");
        };
        try {
            return switch (scheme) {
                case S3, AZBLOB -> parseObjectStore(scheme, rest, options, url);
                case NFS -> parseNfs(rest, options, url);
                case CIFS -> parseCifs(rest, options, url);
                case VFS, LOCAL -> new BackupTarget(scheme, "", "", rest.isEmpty() ? "/" : rest, options);
            };
        } catch (InvalidInputException e) {
            if (e.getMessage().contains(" in ")) {
                throw e;
            }
            throw new InvalidInputException(e.getMessage() + " in " + Redaction.url(url), e);
        }
    }

    private static BackupTarget parseObjectStore(Scheme scheme, String rest, Map<String, String> options, String url) {
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw new InvalidInputException("backup target " + Redaction.url(url) + " has no path: write "
                    + Redaction.url(scheme.prefix() + "://" + rest + "/") + " (Longhorn rejects a URL without a path)");
        }
        String authority = rest.substring(0, slash);
        String path = rest.substring(slash + 1);
        String host = authority;
        String region = "";
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            host = authority.substring(0, at);
            region = authority.substring(at + 1);
        }
        if (host.contains(":") || host.contains("@")) {
            throw new InvalidInputException("backup target URL must not embed credentials; put them in the "
                    + "backup-target Secret (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)");
        }
        if (host.isEmpty()) {
            throw new InvalidInputException("backup target " + Redaction.url(url) + " has an empty "
                    + (scheme == Scheme.S3 ? "bucket" : "container") + " name");
        }
        return new BackupTarget(scheme, host, region, path, options);
    }

    private static BackupTarget parseNfs(String rest, Map<String, String> options, String url) {
        if (rest.contains("@")) {
            throw new InvalidInputException("backup target URL must not embed credentials");
        }
        int colon = rest.indexOf(':');
        int slash = rest.indexOf('/');
        String host;
        String path;
        if (colon >= 0 && (slash < 0 || colon < slash)) {
            host = rest.substring(0, colon);
            path = rest.substring(colon + 1);
        } else if (slash >= 0) {
            host = rest.substring(0, slash);
            path = rest.substring(slash);
        } else {
            throw new InvalidInputException("NFS backup target " + Redaction.url(url) + " has no export path: write nfs://server:/export/path");
        }
        if (!path.startsWith("/")) {
            throw new InvalidInputException("NFS backup target " + Redaction.url(url) + " needs an absolute export path after 'server:'");
        }
        return new BackupTarget(Scheme.NFS, host, "", path, options);
    }

    private static BackupTarget parseCifs(String rest, Map<String, String> options, String url) {
        if (rest.contains("@")) {
            throw new InvalidInputException("backup target URL must not embed credentials; use CIFS_USERNAME / CIFS_PASSWORD in the Secret");
        }
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new InvalidInputException("CIFS backup target " + Redaction.url(url) + " needs a share: write cifs://server/share/path");
        }
        return new BackupTarget(Scheme.CIFS, rest.substring(0, slash), "", rest.substring(slash), options);
    }

    /**
     * The prefix under which {@code backupstore/} lives, for object stores: the URL path without leading or trailing
     * slashes ({@code ""} for the bucket root). Longhorn joins it with {@code backupstore/...} the same way.
     */
    public String keyPrefix() {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** For file-based targets (local directory, VFS), the directory that holds {@code backupstore/}. */
    public Optional<Path> localDirectory() {
        return scheme == Scheme.LOCAL || scheme == Scheme.VFS ? Optional.of(Path.of(path)) : Optional.empty();
    }

    /** The S3 region, or the Azure endpoint suffix, when the URL names one. */
    public Optional<String> regionOrSuffix() {
        return region.isEmpty() ? Optional.empty() : Optional.of(region);
    }

    /** The target URL without query, in Longhorn's spelling (trailing slash kept as given). */
    public String baseUrl() {
        return switch (scheme) {
            case S3, AZBLOB -> scheme.prefix() + "://" + host + (region.isEmpty() ? "" : "@" + region) + "/" + path;
            case NFS -> "nfs://" + host + ":" + path;
            case CIFS -> "cifs://" + host + path;
            case VFS -> "vfs://" + path;
            case LOCAL -> "file://" + path;
        };
    }

    /** The full target URL including its query options (never credentials: the constructor refuses them). */
    public String url() {
        return options.isEmpty() ? baseUrl() : baseUrl() + "?" + GoUrls.encode(options);
    }

    /**
     * The Longhorn backup URL of one backup in this target, usable as a volume's {@code fromBackup}
     * ({@link BackupUrl#url()}: the target URL with its own options kept and {@code backup=} and {@code volume=}
     * added, query keys sorted as Go's {@code url.Values.Encode} sorts them).
     *
     * @throws InvalidInputException when a name is not one Longhorn's backupstore accepts
     */
    public BackupUrl backupUrl(String backupName, String volumeName) {
        return new BackupUrl(this, backupName, volumeName);
    }

    /** The text of {@link #backupUrl(String, String)}. */
    String backupUrlText(String backupName, String volumeName) {
        Map<String, String> q = new LinkedHashMap<>(options);
        q.put("backup", backupName);
        q.put("volume", volumeName);
        return baseUrl() + "?" + GoUrls.encode(q);
    }

    /** The Longhorn URL of a backup volume: the target URL with {@code volume=} added. */
    public String volumeUrl(String volumeName) {
        Map<String, String> q = new LinkedHashMap<>(options);
        q.put("volume", volumeName);
        return baseUrl() + "?" + GoUrls.encode(q);
    }

    /** The URL as {@link Redaction#url(String)} shows it: safe to log and print. */
    @Override
    public String toString() {
        if (options.isEmpty()) {
            return baseUrl();
        }
        return Redaction.url(url());
    }

    /**
     * Masks anything that looks like a secret in a raw URL string, for messages and logs; the same as
     * {@link Redaction#url(String)}, kept for callers of earlier versions. Null gives {@code ""}.
     */
    public static String redact(String url) {
        return Redaction.url(url);
    }

    private static String stripLeadingSlash(String p) {
        return p.startsWith("/") ? p.substring(1) : p;
    }
}
