package io.drkit.s3;

import io.drkit.core.UnavailableException;
import java.io.IOException;

/** Small shared helpers for object sources (error translation of stream reads). */
final class ObjectSources {
    private ObjectSources() {
    }

    static UnavailableException readFailed(String key, IOException e) {
        return new UnavailableException("reading object " + key + " failed: " + e.getMessage(), e);
    }
}
