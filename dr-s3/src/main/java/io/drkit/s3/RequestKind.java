package io.drkit.s3;

/** The kinds of store requests counted by {@link CountingObjectSource}. */
public enum RequestKind {
    /** One page of a listing. */
    LIST,
    /** A whole-object or ranged read. */
    GET,
    /** A metadata-only request. */
    HEAD,
    /** A write. */
    PUT,
    /** A delete. */
    DELETE
}
