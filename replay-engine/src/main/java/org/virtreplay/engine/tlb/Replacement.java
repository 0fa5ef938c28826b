package org.virtreplay.engine.tlb;

/**
 * Replacement policy of one set-associative structure. Invalid ways are always filled first
 * (lowest way number); the policy chooses only among valid ways of a full set.
 */
public enum Replacement {
    /** Least recently used (a hit or a fill makes the entry most recent). */
    LRU,
    /**
     * Tree pseudo-LRU. For a power-of-two number of ways this is the classic binary tree of
     * {@code ways-1} bits. For other way counts (5-way, 6-way...) the tree is built by recursive
     * halving: a node covering ways {@code [lo,hi)} splits at {@code lo + ceil((hi-lo)/2)}, so the
     * tree is as balanced as possible and still has exactly {@code ways-1} internal nodes, each
     * bit pointing to the half to evict from next. An access flips every bit on its path away from
     * the accessed way. See docs/fidelity.md, section TLB.
     */
    PLRU,
    /** First in, first out: the entry filled longest ago is evicted; hits do not reorder. */
    FIFO,
    /** A uniformly chosen valid way, from a seeded xorshift64 generator (deterministic). */
    RANDOM;

    /** Parses {@code lru|plru|fifo|random} (case-insensitive), or returns null. */
    public static Replacement parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "lru" -> LRU;
            case "plru", "tree-plru" -> PLRU;
            case "fifo" -> FIFO;
            case "random" -> RANDOM;
            default -> null;
        };
    }
}
