package org.virtreplay.cli.reliability;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Damage to a Parquet file's bytes. The layout is {@code PAR1}, the column chunks, the footer
 * (Thrift), the footer's length as a 4-byte little-endian integer, {@code PAR1}.
 */
final class ParquetDamage {

    private ParquetDamage() {
    }

    static final List<String> OPS = List.of("zero-leading-magic", "zero-trailing-magic", "footer-length-huge",
            "footer-length-zero", "footer-length-negative", "flip-data", "flip-footer", "truncate", "append-garbage",
            "empty", "csv-content", "only-magic");

    static Mutations.Mutated damage(byte[] p, SplittableRandom r) {
        String op = OPS.get(r.nextInt(OPS.size()));
        int n = p.length;
        int footerLen = ByteBuffer.wrap(p, n - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int footerStart = n - 8 - footerLen;
        switch (op) {
            case "zero-leading-magic": {
                byte[] b = p.clone();
                Arrays.fill(b, 0, 4, (byte) 0);
                return new Mutations.Mutated(b, "leading magic PAR1 zeroed");
            }
            case "zero-trailing-magic": {
                byte[] b = p.clone();
                Arrays.fill(b, n - 4, n, (byte) 0);
                return new Mutations.Mutated(b, "trailing magic PAR1 zeroed");
            }
            case "footer-length-huge":
                return withFooterLength(p, 0x7fff_fff0, "footer length 0x7ffffff0");
            case "footer-length-zero":
                return withFooterLength(p, 0, "footer length 0");
            case "footer-length-negative":
                return withFooterLength(p, -8, "footer length -8");
            case "flip-data": {
                byte[] b = p.clone();
                int pos = 4 + r.nextInt(Math.max(1, footerStart - 4));
                b[pos] ^= (byte) (1 + r.nextInt(255));
                return new Mutations.Mutated(b, String.format(Locale.ROOT, "data byte %d of %d flipped", pos, n));
            }
            case "flip-footer": {
                byte[] b = p.clone();
                int pos = footerStart + r.nextInt(Math.max(1, footerLen));
                b[pos] ^= (byte) (1 + r.nextInt(255));
                return new Mutations.Mutated(b, String.format(Locale.ROOT,
                        "footer byte %d of %d flipped (footer at %d)", pos, n, footerStart));
            }
            case "truncate": {
                int pos = r.nextInt(n);
                return new Mutations.Mutated(Arrays.copyOf(p, pos), "cut at " + pos + " of " + n);
            }
            case "append-garbage": {
                byte[] g = "garbage".getBytes(StandardCharsets.US_ASCII);
                byte[] b = Arrays.copyOf(p, n + g.length);
                System.arraycopy(g, 0, b, n, g.length);
                return new Mutations.Mutated(b, "7 bytes of garbage after the trailing magic");
            }
            case "empty":
                return new Mutations.Mutated(new byte[0], "empty file");
            case "csv-content":
                return new Mutations.Mutated("ts,vm\n1,0\n".getBytes(StandardCharsets.US_ASCII),
                        "CSV text in a .parquet file");
            case "only-magic":
                return new Mutations.Mutated("PAR1PAR1".getBytes(StandardCharsets.US_ASCII), "only PAR1PAR1");
            default:
                throw new IllegalArgumentException(op);
        }
    }

    private static Mutations.Mutated withFooterLength(byte[] p, int len, String what) {
        byte[] b = p.clone();
        ByteBuffer.wrap(b, b.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(len);
        return new Mutations.Mutated(b, what);
    }
}
