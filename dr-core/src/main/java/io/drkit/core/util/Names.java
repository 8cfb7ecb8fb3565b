package io.drkit.core.util;

import java.util.regex.Pattern;

/** Name rules of Kubernetes and Longhorn (DNS labels and subdomains, Longhorn volume and backupstore names), in one place. */
public final class Names {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** backupstore {@code util.ValidateName}: volume directory and backup names in the store. */
    private static final Pattern BACKUPSTORE_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");
    /** The name part of a Kubernetes label key (after an optional {@code prefix/}). */
    private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

    /** Longhorn's maximum volume name length ({@code datastore.NameMaximumLength}). */
    public static final int LONGHORN_VOLUME_NAME_MAX = 40;

    private Names() {
    }

    /** Whether {@code s} is an RFC 1123 label of at most 63 characters (namespaces, Longhorn volume names). */
    public static boolean isDnsLabel(String s) {
        return s != null && s.length() <= 63 && DNS_LABEL.matcher(s).matches();
    }

    /** Whether {@code s} is an RFC 1123 subdomain of at most 253 characters (PV, PVC names). */
    public static boolean isDnsSubdomain(String s) {
        return s != null && s.length() <= 253 && DNS_SUBDOMAIN.matcher(s).matches();
    }

    /** Whether Longhorn's backupstore accepts {@code s} as a volume or backup name. */
    public static boolean isBackupstoreName(String s) {
        return s != null && BACKUPSTORE_NAME.matcher(s).matches();
    }

    /**
     * Whether {@code s} may be the name part of a Kubernetes label key (at most 63 characters, alphanumerics with
     * {@code -}, {@code _}, {@code .} inside): recurring jobs and groups become such keys
     * ({@code recurring-job-group.longhorn.io/<group>}).
     */
    public static boolean isLabelName(String s) {
        return s != null && s.length() <= 63 && LABEL_NAME.matcher(s).matches();
    }

    /**
     * Whether {@code s} is a Kubernetes label key: an optional DNS-subdomain prefix and {@code /}, then a
     * {@linkplain #isLabelName label name} (e.g. {@code app.kubernetes.io/instance}).
     */
    public static boolean isLabelKey(String s) {
        if (s == null) {
            return false;
        }
        int slash = s.indexOf('/');
        if (slash < 0) {
            return isLabelName(s);
        }
        return isDnsSubdomain(s.substring(0, slash)) && isLabelName(s.substring(slash + 1));
    }

    /** Whether Longhorn accepts {@code s} as the name of a new volume: a DNS label of at most 40 characters. */
    public static boolean isLonghornVolumeName(String s) {
        return isDnsLabel(s) && s.length() <= LONGHORN_VOLUME_NAME_MAX;
    }
}
