package io.drkit.longhorn.internal;

import io.drkit.core.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Builds TLS trust from PEM certificates, for Longhorn reached through an Ingress with a private CA. */
public final class Tls {
    private Tls() {
    }

    /**
     * Trust material that accepts exactly the CA certificates in {@code pem} (one or more {@code BEGIN CERTIFICATE}
     * blocks).
     *
     * @param trustManager  the trust manager
     * @param socketFactory a socket factory using it
     */
    public record Trust(X509TrustManager trustManager, SSLSocketFactory socketFactory) {
    }

    /**
     * Parses {@code pem} and builds trust for it.
     *
     * @throws InvalidInputException when the text holds no certificate or one that cannot be parsed
     */
    public static Trust fromPem(String pem) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            Collection<? extends Certificate> certs =
                    cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (certs.isEmpty()) {
                throw new InvalidInputException("CA certificate PEM contains no certificate");
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            X509TrustManager tm = null;
            for (TrustManager t : tmf.getTrustManagers()) {
                if (t instanceof X509TrustManager x) {
                    tm = x;
                }
            }
            if (tm == null) {
                throw new IllegalStateException("no X509TrustManager available");
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {tm}, null);
            return new Trust(tm, ctx.getSocketFactory());
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new InvalidInputException("CA certificate PEM cannot be used: " + e.getMessage(), e);
        }
    }
}
