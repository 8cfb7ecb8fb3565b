package io.drkit.kubernetes.internal;

import java.util.regex.Pattern;

/** Kubernetes and Longhorn name rules this module checks before writing. */
public final class KubeNames {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** Longhorn's maximum volume name length ({@code datastore.NameMaximumLength}); its webhook shortens longer names. */
    public static final int LONGHORN_NAME_MAX = 40;

    private KubeNames() {
    }

    /** Whether Longhorn accepts {@code s} unchanged as a volume name: a DNS label of at most 40 characters. */
    public static boolean isLonghornVolumeName(String s) {
        return s != null && s.length() <= LONGHORN_NAME_MAX && DNS_LABEL.matcher(s).matches();
    }

    /** Whether {@code s} is a DNS subdomain of at most 253 characters (PV, PVC, RecurringJob names). */
    public static boolean isDnsSubdomain(String s) {
        return s != null && s.length() <= 253 && DNS_SUBDOMAIN.matcher(s).matches();
    }
}
