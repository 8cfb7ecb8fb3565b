package io.drkit.s3.nbd;

/**
 * What an {@link NbdServer} has done so far: a snapshot, for progress displays, logs and tests.
 *
 * @param clientsConnected  clients connected now
 * @param clientsAccepted   connections accepted since the start
 * @param clientsRefused    connections refused because {@link NbdServer.Limits#maxClients()} were connected
 * @param reads             {@code NBD_CMD_READ} requests received
 * @param bytesSent         image bytes sent in successful read replies
 * @param ioErrors          reads answered with {@code EIO} (a missing or corrupt block, or the store unreachable)
 * @param refused           other requests refused ({@code EPERM} for writes, {@code EINVAL} for bad ranges)
 * @param blocksFetched     blocks downloaded, decoded and verified (or found bad)
 * @param cacheHits         block look-ups answered from the cache
 * @param bytesDownloaded   bytes downloaded from the store
 * @param cachedBlocks      decoded blocks in the cache now
 * @param peakCachedBlocks  most decoded blocks ever in the cache at once (never above {@code cacheBlocks})
 * @param badBlocks         distinct blocks found missing or corrupt
 */
public record NbdStats(int clientsConnected, long clientsAccepted, long clientsRefused, long reads, long bytesSent,
                       long ioErrors, long refused, long blocksFetched, long cacheHits, long bytesDownloaded,
                       int cachedBlocks, int peakCachedBlocks, int badBlocks) {
}
