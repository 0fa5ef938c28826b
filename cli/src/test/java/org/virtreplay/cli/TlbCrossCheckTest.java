package org.virtreplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tukaani.xz.XZInputStream;

/**
 * {@code virtreplay tlb} against an independent, deliberately plain trace-driven TLB simulator
 * (below: String parsing, a LinkedHashMap in access order per set for LRU) on a real lackey trace
 * checked in under sample-traces/lackey ({@code /bin/true} under Valgrind, 170,083 lines). Lookup,
 * hit and miss counts of every structure must be equal.
 */
class TlbCrossCheckTest {
    static final Path TRACE = locate("sample-traces/lackey/true.lackey.xz");

    @TempDir
    Path dir;

    static Path locate(String rel) {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve(rel))) {
            p = p.getParent();
        }
        return p == null ? Path.of(rel) : p.resolve(rel);
    }

    /** The reference: one TLB level, set = page mod sets, true LRU. */
    static final class RefTlb {
        final int sets;
        final int ways;
        final List<LinkedHashMap<Long, Boolean>> set = new ArrayList<>();
        long lookups, hits, misses;

        RefTlb(int entries, int ways) {
            this.ways = ways;
            this.sets = entries / ways;
            for (int i = 0; i < sets; i++) {
                set.add(new LinkedHashMap<>(16, 0.75f, true));
            }
        }

        boolean lookup(long vpn) {
            lookups++;
            Map<Long, Boolean> s = set.get((int) (vpn % sets));
            if (s.get(vpn) != null) {
                hits++;
                return true;
            }
            misses++;
            return false;
        }

        void fill(long vpn) {
            LinkedHashMap<Long, Boolean> s = set.get((int) (vpn % sets));
            if (!s.containsKey(vpn) && s.size() == ways) {
                Long eldest = s.keySet().iterator().next();
                s.remove(eldest);
            }
            s.put(vpn, Boolean.TRUE);
        }
    }

    static RefTlb[] reference(Path trace, long page, int l1iE, int l1iA, int l1dE, int l1dA, int l2E, int l2A)
            throws Exception {
        RefTlb l1i = new RefTlb(l1iE, l1iA);
        RefTlb l1d = new RefTlb(l1dE, l1dA);
        RefTlb l2 = l2E == 0 ? null : new RefTlb(l2E, l2A);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new XZInputStream(Files.newInputStream(trace)), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                RefTlb l1;
                if (line.startsWith("I  ")) {
                    l1 = l1i;
                } else if (line.startsWith(" L ") || line.startsWith(" S ") || line.startsWith(" M ")) {
                    l1 = l1d;
                } else {
                    continue;
                }
                String[] f = line.substring(3).split(",");
                long addr = Long.parseUnsignedLong(f[0], 16);
                long size = Long.parseLong(f[1]);
                for (long vpn = addr / page; vpn <= (addr + size - 1) / page; vpn++) {
                    if (l1.lookup(vpn)) {
                        continue;
                    }
                    if (l2 != null && l2.lookup(vpn)) {
                        l1.fill(vpn);
                        continue;
                    }
                    if (l2 != null) {
                        l2.fill(vpn);
                    }
                    l1.fill(vpn);
                }
            }
        }
        return new RefTlb[] {l1i, l1d, l2};
    }

    @ParameterizedTest(name = "{0} granule, L1I {1}x{2}, L1D {3}x{4}, L2 {5}x{6}")
    @CsvSource({
        "4k, 32, 32, 32, 32, 0, 1",
        "4k, 64, 64, 64, 64, 1024, 4",
        "4k, 16, 4, 16, 4, 512, 8",
        "16k, 32, 32, 32, 32, 0, 1",
        "16k, 64, 64, 64, 64, 1024, 4",
        "16k, 16, 4, 16, 4, 512, 8",
    })
    void sameCountsAsAPlainLruSimulator(String granule, int l1iE, int l1iA, int l1dE, int l1dA, int l2E, int l2A)
            throws Exception {
        Path csv = dir.resolve("stats.csv");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = VirtReplay.execute(new String[] {"tlb", TRACE.toString(), "--granule", granule,
            "--tlb-l1i-entries", "" + l1iE, "--tlb-l1i-assoc", "" + l1iA, "--tlb-l1d-entries", "" + l1dE,
            "--tlb-l1d-assoc", "" + l1dA, "--tlb-l2-entries", "" + l2E, "--tlb-l2-assoc", "" + l2A,
            "--tlb-replacement", "lru", "--stats-csv", csv.toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        long page = granule.equals("4k") ? 4096 : 16384;
        RefTlb[] ref = reference(TRACE, page, l1iE, l1iA, l1dE, l1dA, l2E, l2A);
        Map<String, long[]> got = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(csv);
        assertEquals("structure,lookups,hits,misses", lines.get(0).substring(0, 29));
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            got.put(f[0], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])});
        }
        String[] names = {"l1i", "l1d", "l2"};
        for (int i = 0; i < 3; i++) {
            long[] g = got.get(names[i]);
            RefTlb r = ref[i];
            long[] want = r == null ? new long[] {0, 0, 0} : new long[] {r.lookups, r.hits, r.misses};
            assertEquals(want[0], g[0], names[i] + " lookups");
            assertEquals(want[1], g[1], names[i] + " hits");
            assertEquals(want[2], g[2], names[i] + " misses");
        }
    }
}
