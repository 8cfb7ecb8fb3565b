package io.drkit.s3;

import io.drkit.core.Cancellation;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of one image restore; {@link #defaults()} for none. Build others with {@link #builder()}.
 *
 * @param salvage          write missing or corrupt blocks as zeros, finish the restore, and list every damaged range
 *                         in the result (default false: the restore fails at the first damaged block, like Longhorn)
 * @param overwrite        replace an existing target file, or write onto a block device (default false: an existing
 *                         file or a device is never touched)
 * @param baseImage        a raw file with the volume's backing image, laid under the restored blocks (the backup
 *                         holds only what the volume changed on top of it)
 * @param channelIsZeroed  for {@link VolumeImageRestorer#restoreToChannel}: the channel already reads as zeros (a new
 *                         file, a freshly discarded device), so holes need not be written (default false: every byte of
 *                         the image is written)
 * @param cancellation     cancels the restore; it removes its temporary file at once (on the cancelling thread), stops
 *                         and throws {@link io.drkit.core.CancelledException}
 */
public record ImageRestoreOptions(boolean salvage, boolean overwrite, Optional<Path> baseImage, boolean channelIsZeroed,
                                  Cancellation cancellation) {
    private static final ImageRestoreOptions DEFAULTS = builder().build();

    /** Replaces nulls. */
    public ImageRestoreOptions {
        baseImage = Objects.requireNonNullElse(baseImage, Optional.empty());
        cancellation = Objects.requireNonNullElse(cancellation, Cancellation.none());
    }

    /** No salvage, no overwrite, no base image, not cancellable from outside (interrupts still stop it). */
    public static ImageRestoreOptions defaults() {
        return DEFAULTS;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder prefilled with these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.salvage = salvage;
        b.overwrite = overwrite;
        b.baseImage = baseImage.orElse(null);
        b.channelIsZeroed = channelIsZeroed;
        b.cancellation = cancellation;
        return b;
    }

    /** Builds {@link ImageRestoreOptions}. */
    public static final class Builder {
        private boolean salvage;
        private boolean overwrite;
        private Path baseImage;
        private boolean channelIsZeroed;
        private Cancellation cancellation = Cancellation.none();

        private Builder() {
        }

        /** Salvage mode: damaged blocks become zeros and are listed in the result (default false). */
        public Builder salvage(boolean on) {
            this.salvage = on;
            return this;
        }

        /** Whether an existing target file may be replaced, or a block device written (default false). */
        public Builder overwrite(boolean on) {
            this.overwrite = on;
            return this;
        }

        /** A raw backing-image file to lay under the blocks (default none). */
        public Builder baseImage(Path file) {
            this.baseImage = file;
            return this;
        }

        /** Whether a caller's channel already reads as zeros, so holes are not written (default false). */
        public Builder channelIsZeroed(boolean zeroed) {
            this.channelIsZeroed = zeroed;
            return this;
        }

        /** A token that cancels the restore (default: none). */
        public Builder cancellation(Cancellation c) {
            this.cancellation = c;
            return this;
        }

        /** Builds the options. */
        public ImageRestoreOptions build() {
            return new ImageRestoreOptions(salvage, overwrite, Optional.ofNullable(baseImage), channelIsZeroed,
                    cancellation);
        }
    }
}
