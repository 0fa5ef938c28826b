package org.virtreplay.cli.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** The compressed forms of a text input, and damage done to them. */
final class Compress {

    private Compress() {
    }

    /** A compressed form: the file name suffix and how to make it. */
    enum Form {
        PLAIN(""), GZ(".gz"), XZ(".xz"), ZST(".zst");

        final String suffix;

        Form(String suffix) {
            this.suffix = suffix;
        }

        byte[] compress(byte[] plain) {
            try {
                return switch (this) {
                    case PLAIN -> plain;
                    case GZ -> {
                        ByteArrayOutputStream b = new ByteArrayOutputStream();
                        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
                            z.write(plain);
                        }
                        yield b.toByteArray();
                    }
                    case XZ -> {
                        ByteArrayOutputStream b = new ByteArrayOutputStream();
                        try (XZOutputStream z = new XZOutputStream(b, new LZMA2Options(1))) {
                            z.write(plain);
                        }
                        yield b.toByteArray();
                    }
                    case ZST -> com.github.luben.zstd.Zstd.compress(plain, 3);
                };
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static final List<String> DAMAGE = List.of("flip", "truncate", "trailing-garbage", "two-bytes", "second-member",
            "zero-tail");

    /** Damages compressed bytes {@code c} of form {@code f} (not PLAIN) one way, chosen by {@code r}. */
    static Mutations.Mutated damage(Form f, byte[] c, SplittableRandom r) {
        String op = DAMAGE.get(r.nextInt(DAMAGE.size()));
        switch (op) {
            case "flip": {
                byte[] b = c.clone();
                int pos = r.nextInt(b.length);
                int v = r.nextInt(256);
                b[pos] = (byte) (b[pos] == (byte) v ? v ^ 0x55 : v);
                return new Mutations.Mutated(b, String.format(Locale.ROOT, "%s byte %d of %d set to 0x%02x", f.suffix,
                        pos, c.length, b[pos] & 0xff));
            }
            case "truncate": {
                int pos = r.nextInt(c.length);
                return new Mutations.Mutated(Arrays.copyOf(c, pos), f.suffix + " cut at " + pos + " of " + c.length);
            }
            case "trailing-garbage": {
                byte[] g = "garbage\n,,,\u0000".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                byte[] b = Arrays.copyOf(c, c.length + g.length);
                System.arraycopy(g, 0, b, c.length, g.length);
                return new Mutations.Mutated(b, f.suffix + " with trailing garbage");
            }
            case "two-bytes":
                return new Mutations.Mutated(Arrays.copyOf(c, 2), f.suffix + " of only its first 2 bytes");
            case "second-member": {
                // A second complete stream after the first: legal for gzip (members), xz and zstd (frames).
                byte[] b = Arrays.copyOf(c, c.length * 2);
                System.arraycopy(c, 0, b, c.length, c.length);
                return new Mutations.Mutated(b, f.suffix + " stream twice (a second member)");
            }
            case "zero-tail": {
                byte[] b = c.clone();
                int from = Math.max(0, b.length - 8);
                Arrays.fill(b, from, b.length, (byte) 0);
                return new Mutations.Mutated(b, f.suffix + " last 8 bytes zeroed (checksum/length)");
            }
            default:
                throw new IllegalArgumentException(op);
        }
    }
}
