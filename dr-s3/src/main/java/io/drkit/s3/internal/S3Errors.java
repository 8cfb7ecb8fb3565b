package io.drkit.s3.internal;

import io.drkit.core.CancelledException;
import io.drkit.core.DrException;
import io.drkit.core.DrTimeoutException;
import io.drkit.core.NotFoundException;
import io.drkit.core.UnavailableException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Translates AWS SDK errors into the dr-core hierarchy, naming bucket, key and HTTP status. */
public final class S3Errors {
    private S3Errors() {
    }

    /** A not-found error for {@code key}. */
    public static NotFoundException notFound(String bucket, String key) {
        return new NotFoundException("object " + key + " not found in s3://" + bucket);
    }

    /**
     * Translates {@code e}, raised while {@code action} (e.g. "reading") {@code key} in {@code bucket}.
     * Restores the interrupt flag when the call was interrupted.
     */
    public static DrException translate(SdkException e, String action, String bucket, String key) {
        return translate(e, action, bucket, key, null);
    }

    /** {@link #translate(SdkException, String, String, String)} naming the configured timeout, when known. */
    public static DrException translate(SdkException e, String action, String bucket, String key, java.time.Duration timeout) {
        String where = "s3://" + bucket + "/" + key;
        if (e instanceof AbortedException || Thread.currentThread().isInterrupted()
                || e.getCause() instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new CancelledException(action + " " + where + " was interrupted", e);
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new DrTimeoutException(action + " " + where + " did not finish", timeout, e);
        }
        if (e instanceof NoSuchKeyException) {
            return new NotFoundException("object " + key + " not found in s3://" + bucket, e);
        }
        if (e instanceof SdkServiceException se) {
            int status = se.statusCode();
            String code = se instanceof S3Exception s3e && s3e.awsErrorDetails() != null
                    ? s3e.awsErrorDetails().errorCode() : null;
            String codeText = code == null ? "" : " " + code;
            if (status == 404 && "NoSuchBucket".equals(code)) {
                return new UnavailableException("bucket " + bucket + " does not exist (HTTP 404 NoSuchBucket) while "
                        + action + " " + where, status, e);
            }
            if (status == 404) {
                return new NotFoundException("object " + key + " not found in s3://" + bucket + " (HTTP 404" + codeText + ")", e);
            }
            if (status == 403 || status == 401 || "InvalidAccessKeyId".equals(code) || "SignatureDoesNotMatch".equals(code)) {
                return accessDenied(bucket, status, codeText, action, where, e);
            }
            if (status == 503 || status == 429 || "SlowDown".equals(code)) {
                return new UnavailableException("S3 kept throttling (HTTP " + status + codeText + ") while " + action + " "
                        + where + " after all retries", status, e);
            }
            return new UnavailableException("S3 error (HTTP " + status + codeText + ") while " + action + " " + where
                    + ": " + firstLine(se.getMessage()), status, e);
        }
        return new UnavailableException("cannot reach S3 while " + action + " " + where + ": " + firstLine(e.getMessage()), e);
    }

    /**
     * HTTP 401/403 (AccessDenied, SignatureDoesNotMatch, InvalidAccessKeyId...): always "access denied", an
     * {@link UnavailableException} carrying the status, whatever was being read; never "not found".
     */
    public static UnavailableException accessDenied(String bucket, int status, String codeText, String action, String where,
                                                    Throwable cause) {
        return new UnavailableException("access denied: S3 refused access to bucket " + bucket + " (HTTP " + status
                + codeText + ") while " + action + " " + where + ": check the credentials (AWS_ACCESS_KEY_ID / "
                + "AWS_SECRET_ACCESS_KEY) and the bucket policy", status, cause);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

}
