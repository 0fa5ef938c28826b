package org.virtreplay.ingest.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EventHeapTest {
    @Test
    void popsInTimeOrderTiesByEntity() {
        EventHeap h = new EventHeap(5);
        h.set(3, 10);
        h.set(1, 10);
        h.set(4, 5);
        h.set(0, 20);
        // entity 2 stays at MAX
        int[] order = new int[4];
        long[] times = new long[4];
        for (int i = 0; i < 4; i++) {
            order[i] = h.top();
            times[i] = h.topTime();
            h.set(h.top(), Long.MAX_VALUE);
        }
        assertEquals("4,1,3,0", order[0] + "," + order[1] + "," + order[2] + "," + order[3]);
        assertEquals("5,10,10,20", times[0] + "," + times[1] + "," + times[2] + "," + times[3]);
        assertEquals(Long.MAX_VALUE, h.topTime());
        // moving an entity earlier and later re-sifts it
        h.set(2, 7);
        h.set(0, 3);
        assertEquals(0, h.top());
        h.set(0, 9);
        assertEquals(2, h.top());
    }
}
