package org.virtreplay.engine.tlb;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TLB organisation of a real Arm core: L1 instruction and data TLBs, unified L2 TLB, walk
 * caches and IPA cache, latencies, and the TLBI behaviour the model gives it. Sources per number
 * (TRM sections) and the estimates used where a TRM gives no number are in {@code docs/cores.md}.
 *
 * @param name                 preset name as given to {@code --core}
 * @param l1i                  L1 instruction TLB
 * @param l1d                  L1 data TLB
 * @param l2                   unified L2 TLB
 * @param s1WalkCache          stage-1 walk cache (non-leaf stage-1 descriptors); entries 0 = none
 * @param s2WalkCache          stage-2 walk cache (non-leaf stage-2 descriptors); entries 0 = none
 * @param ipaCache             IPA-to-PA cache of stage-2 leaves; entries 0 = none
 * @param l1HitCycles          cycles added by an L1 TLB hit
 * @param l2HitCycles          cycles added by an L2 TLB hit
 * @param descReadCycles       cycles per descriptor read of a walk (a cache hit, as an estimate)
 * @param ipas2RemovesCombined whether {@code TLBI IPAS2E1} also removes combined stage-1+2 entries
 *                             (false on every modelled core: the architecture does not require it,
 *                             and KVM always follows it with {@code TLBI VMALLE1})
 */
public record CorePreset(String name, TlbGeometry l1i, TlbGeometry l1d, TlbGeometry l2, TlbGeometry s1WalkCache,
        TlbGeometry s2WalkCache, TlbGeometry ipaCache, int l1HitCycles, int l2HitCycles, int descReadCycles,
        boolean ipas2RemovesCombined) {

    static final long K4 = 1L << 12, K16 = 1L << 14, K64 = 1L << 16, M1 = 1L << 20, M2 = 1L << 21,
            M16 = 1L << 24, M32 = 1L << 25, M512 = 1L << 29, G1 = 1L << 30;

    private static final TlbGeometry NONE = TlbGeometry.of(0, 1);

    private static final Map<String, CorePreset> PRESETS = new LinkedHashMap<>();

    static {
        // Cortex-A72 (TRM 100095 §5.2.1-5.2.3): L1 I 48 FA and L1 D 32 FA with native 4K/64K/1M;
        // L2 1024 4-way holding 4K, 64K, 1M, 16M, 2M, 1G, 512M. Walk/IPA caches: not documented; estimate.
        long a72L1 = TlbGeometry.sizes(K4, K64, M1);
        long a72L2 = TlbGeometry.sizes(K4, K64, M1, M16, M2, G1, M512);
        add(new CorePreset("cortex-a72", TlbGeometry.fullyAssociative(48, a72L1),
                TlbGeometry.fullyAssociative(32, a72L1), new TlbGeometry(1024, 4, a72L2),
                TlbGeometry.of(64, 4), TlbGeometry.of(64, 4), TlbGeometry.of(64, 4), 0, 3, 4, false));
        // Cortex-A76 (TRM 100798 §A5.2.1-A5.2.3): L1 I 48 FA (4K,16K,64K,2M,32M); L1 D 48 FA
        // (4K,16K,64K,2M,512M); L2 1280 5-way (4K..1G); the L2 also keeps IPA->PA for 2M/1G (4K),
        // 32M (16K), 512M (64K) and intermediate walk results. L2 access usually 3 cycles.
        long a76L1i = TlbGeometry.sizes(K4, K16, K64, M2, M32);
        long a76L1d = TlbGeometry.sizes(K4, K16, K64, M2, M512);
        long a76L2 = TlbGeometry.sizes(K4, K16, K64, M2, M32, M512, G1);
        long a76Ipa = TlbGeometry.sizes(M2, M32, M512, G1);
        CorePreset a76 = new CorePreset("cortex-a76", TlbGeometry.fullyAssociative(48, a76L1i),
                TlbGeometry.fullyAssociative(48, a76L1d), new TlbGeometry(1280, 5, a76L2),
                TlbGeometry.of(64, 4), TlbGeometry.of(64, 4), new TlbGeometry(64, 4, a76Ipa), 1, 3, 4, false);
        add(a76);
        // Neoverse N1 is derived from Cortex-A76 (TRM 100616 §A5.2): same TLB organisation.
        add(rename(a76, "neoverse-n1"));
        // Neoverse N2 (TRM 102099): sizes not confirmed from the TRM here; estimates, see docs/cores.md.
        long n2L1 = TlbGeometry.sizes(K4, K16, K64, M2, M32, M512);
        long n2L2 = TlbGeometry.sizes(K4, K16, K64, M2, M32, M512, G1);
        add(new CorePreset("neoverse-n2", TlbGeometry.fullyAssociative(48, n2L1),
                TlbGeometry.fullyAssociative(48, n2L1), new TlbGeometry(1536, 6, n2L2),
                TlbGeometry.of(64, 4), TlbGeometry.of(64, 4), new TlbGeometry(64, 4, a76Ipa), 1, 3, 4, false));
        // Neoverse V1 (TRM 101427): estimates, see docs/cores.md.
        add(new CorePreset("neoverse-v1", TlbGeometry.fullyAssociative(48, n2L1),
                TlbGeometry.fullyAssociative(48, n2L1), new TlbGeometry(2048, 8, n2L2),
                TlbGeometry.of(64, 4), TlbGeometry.of(64, 4), new TlbGeometry(64, 4, a76Ipa), 1, 3, 4, false));
        // Neoverse V2 (TRM 102375): estimates, see docs/cores.md.
        add(new CorePreset("neoverse-v2", TlbGeometry.fullyAssociative(64, n2L1),
                TlbGeometry.fullyAssociative(48, n2L1), new TlbGeometry(2048, 8, n2L2),
                TlbGeometry.of(64, 4), TlbGeometry.of(64, 4), new TlbGeometry(64, 4, a76Ipa), 1, 3, 4, false));
    }

    private static void add(CorePreset p) {
        PRESETS.put(p.name, p);
    }

    private static CorePreset rename(CorePreset p, String n) {
        return new CorePreset(n, p.l1i, p.l1d, p.l2, p.s1WalkCache, p.s2WalkCache, p.ipaCache, p.l1HitCycles,
                p.l2HitCycles, p.descReadCycles, p.ipas2RemovesCombined);
    }

    /** The preset of that name, or null. */
    public static CorePreset byName(String name) {
        return PRESETS.get(name);
    }

    public static List<String> names() {
        return List.copyOf(PRESETS.keySet());
    }

    /**
     * A configuration made only of the structures given (the {@code virtreplay tlb} options without
     * {@code --core}): no walk caches, no IPA cache, no latencies.
     */
    public static CorePreset custom(TlbGeometry l1i, TlbGeometry l1d, TlbGeometry l2) {
        return new CorePreset("custom", l1i, l1d, l2 == null ? NONE : l2, NONE, NONE, NONE, 0, 0, 0, false);
    }

    public CorePreset withL1i(TlbGeometry g) {
        return new CorePreset(name, g, l1d, l2, s1WalkCache, s2WalkCache, ipaCache, l1HitCycles, l2HitCycles,
                descReadCycles, ipas2RemovesCombined);
    }

    public CorePreset withL1d(TlbGeometry g) {
        return new CorePreset(name, l1i, g, l2, s1WalkCache, s2WalkCache, ipaCache, l1HitCycles, l2HitCycles,
                descReadCycles, ipas2RemovesCombined);
    }

    public CorePreset withL2(TlbGeometry g) {
        return new CorePreset(name, l1i, l1d, g, s1WalkCache, s2WalkCache, ipaCache, l1HitCycles, l2HitCycles,
                descReadCycles, ipas2RemovesCombined);
    }

    public CorePreset withIpas2RemovesCombined(boolean b) {
        return new CorePreset(name, l1i, l1d, l2, s1WalkCache, s2WalkCache, ipaCache, l1HitCycles, l2HitCycles,
                descReadCycles, b);
    }

    public CorePreset withWalkCaches(TlbGeometry s1, TlbGeometry s2, TlbGeometry ipa) {
        return new CorePreset(name, l1i, l1d, l2, s1, s2, ipa, l1HitCycles, l2HitCycles, descReadCycles,
                ipas2RemovesCombined);
    }
}
