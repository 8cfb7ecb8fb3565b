package io.drkit.s3.internal;

import io.drkit.core.InvalidInputException;
import io.drkit.core.util.Redaction;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.apache5.ProxyConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Resolved S3 connection settings: Longhorn backup-target Secret keys parsed once, defaults applied. Never prints
 * credentials or proxy passwords.
 *
 * @param bucket          bucket
 * @param region          signing region, or empty for the SDK chain
 * @param endpoint        custom endpoint, or null
 * @param pathStyle       path-style addressing
 * @param accessKeyId     static key id, or null for the default chain
 * @param secretAccessKey static secret, or null
 * @param sessionToken    session token, or null
 * @param caPem           extra CA certificates (PEM), or null
 * @param httpProxy       proxy for http endpoints, or null
 * @param httpsProxy      proxy for https endpoints, or null
 * @param noProxy         hosts without proxy
 * @param connectTimeout  connect timeout
 * @param socketTimeout   socket timeout
 * @param apiCallTimeout  whole-call timeout
 * @param attemptTimeout  per-attempt timeout
 * @param maxAttempts     attempts per call
 * @param backoffBase     backoff base delay
 * @param backoffMax      backoff cap
 * @param maxConnections  pool size
 */
public record S3Settings(String bucket, String region, URI endpoint, boolean pathStyle, String accessKeyId,
                         String secretAccessKey, String sessionToken, String caPem, URI httpProxy, URI httpsProxy,
                         Set<String> noProxy, Duration connectTimeout, Duration socketTimeout, Duration apiCallTimeout,
                         Duration attemptTimeout, int maxAttempts, Duration backoffBase, Duration backoffMax,
                         int maxConnections) {

    /** Longhorn Secret key: access key id. */
    public static final String AWS_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    /** Longhorn Secret key: secret access key. */
    public static final String AWS_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    /** Session token (temporary credentials). */
    public static final String AWS_SESSION_TOKEN = "AWS_SESSION_TOKEN";
    /** Longhorn Secret key: custom endpoint URL. */
    public static final String AWS_ENDPOINTS = "AWS_ENDPOINTS";
    /** Longhorn Secret key: extra CA bundle (PEM). */
    public static final String AWS_CERT = "AWS_CERT";
    /** Longhorn Secret key: {@code true} virtual-hosted, {@code false} path style. */
    public static final String VIRTUAL_HOSTED_STYLE = "VIRTUAL_HOSTED_STYLE";
    /** Proxy keys. */
    public static final String HTTP_PROXY = "HTTP_PROXY";
    /** Proxy keys. */
    public static final String HTTPS_PROXY = "HTTPS_PROXY";
    /** Proxy keys. */
    public static final String NO_PROXY = "NO_PROXY";

    /** Copies the set. */
    public S3Settings {
        noProxy = Set.copyOf(noProxy);
    }

    /** Safe to print: bucket, region, endpoint, addressing, credential source. */
    public String describe() {
        return "s3://" + bucket + (region.isEmpty() ? "" : "@" + region) + "/"
                + (endpoint == null ? "" : " at " + Redaction.url(endpoint.toString())) + (pathStyle ? " (path-style)" : "")
                + (accessKeyId == null ? " (default credential chain)" : " (static credentials)");
    }

    @Override
    public String toString() {
        return "S3Settings[" + describe() + ", proxy=" + (httpsProxy != null || httpProxy != null ? "set" : "none")
                + ", customCa=" + (caPem != null) + ", maxAttempts=" + maxAttempts + "]";
    }

    /**
     * Builds an SDK client with these settings; {@code attempts} counts HTTP attempts, and the call and attempt
     * timeouts are scheduled on {@code timeouts} (see {@link TimeoutScheduler}), which the caller owns and shuts down
     * after closing the client (the SDK never shuts down an executor it was given).
     */
    public S3Client buildClient(LongAdder attempts, ScheduledExecutorService timeouts) {
        Apache5HttpClient.Builder http = Apache5HttpClient.builder()
                .connectionTimeout(connectTimeout)
                .socketTimeout(socketTimeout)
                .maxConnections(maxConnections)
                .connectionAcquisitionTimeout(connectTimeout.plus(socketTimeout));
        URI proxy = endpoint != null && "http".equalsIgnoreCase(endpoint.getScheme()) ? httpProxy : httpsProxy;
        if (proxy != null) {
            http.proxyConfiguration(proxyConfiguration(proxy));
        } else {
            http.proxyConfiguration(ProxyConfiguration.builder().useEnvironmentVariableValues(false)
                    .useSystemPropertyValues(false).build());
        }
        if (caPem != null) {
            TrustManager[] tms = trustManagers(caPem);
            http.tlsTrustManagersProvider(() -> tms);
        }
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
                attempts.increment();
            }
        };
        ClientOverrideConfiguration override = ClientOverrideConfiguration.builder()
                .apiCallTimeout(apiCallTimeout)
                .apiCallAttemptTimeout(attemptTimeout)
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(maxAttempts)
                        .circuitBreakerEnabled(false)
                        .backoffStrategy(BackoffStrategy.exponentialDelay(backoffBase, backoffMax))
                        .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(backoffBase.multipliedBy(2), backoffMax))
                        .build())
                .addExecutionInterceptor(counter)
                .scheduledExecutorService(timeouts)
                .build();
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(http)
                .overrideConfiguration(override)
                .forcePathStyle(pathStyle)
                .credentialsProvider(credentials());
        if (!region.isEmpty()) {
            b.region(Region.of(region));
        } else if (endpoint != null) {
            b.region(Region.US_EAST_1);
        }
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        return b.build();
    }

    private AwsCredentialsProvider credentials() {
        if (accessKeyId == null || secretAccessKey == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        if (sessionToken != null) {
            return StaticCredentialsProvider.create(AwsSessionCredentials.create(accessKeyId, secretAccessKey, sessionToken));
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
    }

    private ProxyConfiguration proxyConfiguration(URI proxy) {
        ProxyConfiguration.Builder p = ProxyConfiguration.builder()
                .useEnvironmentVariableValues(false)
                .useSystemPropertyValues(false)
                .endpoint(URI.create(proxy.getScheme() + "://" + proxy.getHost()
                        + (proxy.getPort() > 0 ? ":" + proxy.getPort() : "")));
        if (proxy.getUserInfo() != null) {
            String[] up = proxy.getUserInfo().split(":", 2);
            p.username(up[0]);
            if (up.length > 1) {
                p.password(up[1]);
            }
        }
        Set<String> hosts = new LinkedHashSet<>();
        for (String h : noProxy) {
            String regex = noProxyRegex(h);
            if (regex != null) {
                hosts.add(regex);
            }
        }
        if (!hosts.isEmpty()) {
            p.nonProxyHosts(hosts);
        }
        return p.build();
    }

    /**
     * One {@code NO_PROXY} entry as the regular expression the SDK's Apache route planner matches host names with:
     * {@code example.com} and {@code .example.com} mean the domain and its subdomains, {@code *} everything, an IPv4
     * CIDR with a /8, /16, /24 or /32 mask its address prefix; a port is ignored. Other CIDRs cannot be expressed and
     * give null (the entry is ignored).
     */
    static String noProxyRegex(String entry) {
        String e = entry.trim().toLowerCase(Locale.ROOT);
        if (e.equals("*")) {
            return ".*";
        }
        java.util.regex.Matcher cidr = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)\\.(\\d+)/(\\d+)").matcher(e);
        if (cidr.matches()) {
            int bits = Integer.parseInt(cidr.group(5));
            if (bits % 8 != 0 || bits > 32) {
                return null;
            }
            StringBuilder re = new StringBuilder();
            for (int i = 1; i <= bits / 8; i++) {
                re.append(cidr.group(i)).append(i < 4 ? "\\." : "");
            }
            return re + (bits < 32 ? ".*" : "");
        }
        if (e.contains("/")) {
            return null;
        }
        if (e.startsWith("*.")) {
            e = e.substring(2);
        } else if (e.startsWith(".")) {
            e = e.substring(1);
        }
        int colon = e.lastIndexOf(':');
        if (colon > 0 && e.indexOf(':') == colon) {
            e = e.substring(0, colon);
        }
        return "(.*\\.)?" + java.util.regex.Pattern.quote(e);
    }

    /** Trust managers trusting the JDK's default CAs plus every certificate in {@code pem}. */
    public static TrustManager[] trustManagers(String pem) {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            TrustManagerFactory def = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            def.init((KeyStore) null);
            int i = 0;
            for (TrustManager tm : def.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) {
                        ks.setCertificateEntry("system-" + i++, c);
                    }
                }
            }
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (certs.isEmpty()) {
                throw new InvalidInputException(AWS_CERT + " contains no PEM certificate");
            }
            for (Certificate c : certs) {
                ks.setCertificateEntry("aws-cert-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new InvalidInputException(AWS_CERT + " is not a valid PEM certificate bundle: " + e.getMessage(), e);
        }
    }

    /** Mutable collector used by the public builder. */
    public static final class Mutable {
        /** Bucket. */
        public String bucket;
        /** Region. */
        public String region;
        /** Endpoint. */
        public URI endpoint;
        /** Path style, null for Longhorn's rule. */
        public Boolean pathStyle;
        /** Key id. */
        public String accessKeyId;
        /** Secret. */
        public String secretAccessKey;
        /** Session token. */
        public String sessionToken;
        /** CA PEM. */
        public String caPem;
        /** Proxies (text, parsed at freeze). */
        public String httpProxy;
        /** Proxies (text, parsed at freeze). */
        public String httpsProxy;
        /** NO_PROXY text. */
        public String noProxy;
        /** Timeouts. */
        public Duration connectTimeout = Duration.ofSeconds(10);
        /** Timeouts. */
        public Duration socketTimeout = Duration.ofSeconds(60);
        /** Timeouts. */
        public Duration apiCallTimeout = Duration.ofMinutes(5);
        /** Timeouts. */
        public Duration attemptTimeout = Duration.ofMinutes(2);
        /** Retries. */
        public int maxAttempts = 5;
        /** Backoff. */
        public Duration backoffBase = Duration.ofMillis(100);
        /** Backoff. */
        public Duration backoffMax = Duration.ofSeconds(20);
        /** Pool. */
        public int maxConnections = 64;
        private String regionFromKeys;

        /** Applies Longhorn Secret keys. */
        public void apply(Map<String, String> keys) {
            if (keys == null) {
                return;
            }
            String ak = value(keys, AWS_ACCESS_KEY_ID);
            String sk = value(keys, AWS_SECRET_ACCESS_KEY);
            if (ak != null) {
                accessKeyId = ak;
            }
            if (sk != null) {
                secretAccessKey = sk;
            }
            String st = value(keys, AWS_SESSION_TOKEN);
            if (st != null) {
                sessionToken = st;
            }
            String ep = value(keys, AWS_ENDPOINTS);
            if (ep != null) {
                endpoint = parseEndpoint(ep);
            }
            String cert = value(keys, AWS_CERT);
            if (cert != null) {
                caPem = cert;
            }
            String vhs = value(keys, VIRTUAL_HOSTED_STYLE);
            if (vhs != null) {
                switch (vhs.toLowerCase(Locale.ROOT)) {
                    case "true" -> pathStyle = false;
                    case "false" -> pathStyle = true;
                    default -> throw new InvalidInputException(VIRTUAL_HOSTED_STYLE + " must be true or false, not '" + vhs + "'");
                }
            }
            String hp = firstValue(keys, HTTP_PROXY, "http_proxy");
            if (hp != null) {
                httpProxy = hp;
            }
            String hsp = firstValue(keys, HTTPS_PROXY, "https_proxy");
            if (hsp != null) {
                httpsProxy = hsp;
            }
            String np = firstValue(keys, NO_PROXY, "no_proxy");
            if (np != null) {
                noProxy = np;
            }
            String r = firstValue(keys, "AWS_REGION", "AWS_DEFAULT_REGION");
            if (r != null) {
                regionFromKeys = r;
            }
        }

        /** Validates and resolves defaults (Longhorn's addressing rule included). */
        public S3Settings freeze() {
            if (bucket == null || bucket.isBlank()) {
                throw new InvalidInputException("S3 bucket is not set: give a backup target (s3://bucket@region/) or a bucket");
            }
            if ((accessKeyId == null) != (secretAccessKey == null)) {
                throw new InvalidInputException("only one of " + AWS_ACCESS_KEY_ID + " and " + AWS_SECRET_ACCESS_KEY
                        + " is set for bucket " + bucket + "; set both, or neither for the default credential chain");
            }
            boolean ps = pathStyle != null ? pathStyle : endpoint != null;
            String reg = region != null && !region.isBlank() ? region : regionFromKeys != null ? regionFromKeys : "";
            Set<String> np = new LinkedHashSet<>();
            if (noProxy != null) {
                for (String h : noProxy.split(",")) {
                    if (!h.isBlank()) {
                        np.add(h.trim());
                    }
                }
            }
            return new S3Settings(bucket, reg, endpoint, ps, accessKeyId, secretAccessKey, sessionToken, caPem,
                    parseProxy(httpProxy, HTTP_PROXY), parseProxy(httpsProxy, HTTPS_PROXY), np, connectTimeout,
                    socketTimeout, apiCallTimeout, attemptTimeout, maxAttempts, backoffBase, backoffMax, maxConnections);
        }

        private static String value(Map<String, String> keys, String key) {
            String v = keys.get(key);
            if (v == null) {
                return null;
            }
            String t = v.trim();
            return t.isEmpty() ? null : t;
        }

        private static String firstValue(Map<String, String> keys, String a, String b) {
            String v = value(keys, a);
            return v != null ? v : value(keys, b);
        }

        /**
         * The endpoint URL. User info ({@code http://user:password@host}) is dropped: S3 requests are signed with the
         * access keys, and Longhorn's Go client ignores it too; it is never kept where it could be printed.
         */
        private static URI parseEndpoint(String text) {
            String t = text.contains("://") ? text : "https://" + text;
            try {
                URI u = new URI(t);
                if (u.getHost() == null) {
                    throw new InvalidInputException(AWS_ENDPOINTS + " '" + Redaction.url(t) + "' has no host");
                }
                if (u.getRawUserInfo() != null) {
                    u = new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(),
                            u.getFragment());
                }
                return u;
            } catch (URISyntaxException e) {
                // never echo the parser's message: it quotes the whole value, user info included
                throw new InvalidInputException(AWS_ENDPOINTS + " '" + Redaction.url(t) + "' is not a URL", e);
            }
        }

        private static URI parseProxy(String text, String key) {
            if (text == null) {
                return null;
            }
            String t = text.contains("://") ? text : "http://" + text;
            try {
                URI u = new URI(t);
                if (u.getHost() == null) {
                    throw new InvalidInputException(key + " has no host");
                }
                return u;
            } catch (URISyntaxException e) {
                // never echo the value: it may carry a password
                throw new InvalidInputException(key + " is not a URL", e);
            }
        }
    }
}
