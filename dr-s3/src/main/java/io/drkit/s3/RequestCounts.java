package io.drkit.s3;

/**
 * How many requests of each kind were sent to a store: what an S3 bill is made of.
 *
 * @param list   list pages
 * @param get    reads, ranged reads included
 * @param head   metadata requests
 * @param put    writes
 * @param delete deletes
 */
public record RequestCounts(long list, long get, long head, long put, long delete) {

    /** No requests. */
    public static final RequestCounts ZERO = new RequestCounts(0, 0, 0, 0, 0);

    /** All requests. */
    public long total() {
        return list + get + head + put + delete;
    }

    /** Read requests only (list, get, head). */
    public long reads() {
        return list + get + head;
    }

    /** The count of one kind. */
    public long of(RequestKind kind) {
        return switch (kind) {
            case LIST -> list;
            case GET -> get;
            case HEAD -> head;
            case PUT -> put;
            case DELETE -> delete;
        };
    }

    /** The requests made since {@code earlier} was taken. */
    public RequestCounts minus(RequestCounts earlier) {
        return new RequestCounts(list - earlier.list, get - earlier.get, head - earlier.head, put - earlier.put,
                delete - earlier.delete);
    }

    @Override
    public String toString() {
        return "LIST=" + list + " GET=" + get + " HEAD=" + head + (put + delete > 0 ? " PUT=" + put + " DELETE=" + delete : "");
    }
}
