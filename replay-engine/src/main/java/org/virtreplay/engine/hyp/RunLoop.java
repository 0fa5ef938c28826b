package org.virtreplay.engine.hyp;

import static org.virtreplay.engine.hyp.Hypervisor.ST_GUEST;
import static org.virtreplay.engine.hyp.Hypervisor.ST_HOST;
import static org.virtreplay.engine.hyp.HypState.EV_ENTER;
import static org.virtreplay.engine.hyp.HypState.EV_EOI;
import static org.virtreplay.engine.hyp.IrqLatencyStats.C_LR_WAIT;
import static org.virtreplay.engine.hyp.IrqLatencyStats.C_MASK;

import org.virtreplay.engine.gic.IchLr;
import org.virtreplay.engine.gic.VirtualCpuInterface;

/**
 * The vCPU run loop on its PE: exits to EL2, serialised host work, vgic flush (fold, sort, fill
 * list registers, UIE) and guest entry.
 */
final class RunLoop {
    private final HypState m;

    RunLoop(HypState m) {
        this.m = m;
    }

    /**
     * Guest → EL2 for {@code reason} (an {@link ExitReason}): the vCPU stays on its PE, in host mode,
     * until its entry event. {@code ipa}: the faulting IPA of an abort, else -1.
     */
    void exitGuest(int g, long t, int reason, long ipa) {
        leaveGuest(g, t);
        m.state[g] = ST_HOST;
        m.stats.exits[g]++;
        m.hostFree[g] = t + m.exitNs;
        m.openExit(g, reason, t + m.exitNs, ipa);
        scheduleEnter(g);
    }

    void addHostWork(int g, long start, long dur) {
        m.hostFree[g] = Math.max(m.hostFree[g], start) + dur;
        scheduleEnter(g);
    }

    void scheduleEnter(int g) {
        m.enterEpoch[g]++;
        m.events.push(m.hostFree[g] + m.flushNs + m.entryNs, EV_ENTER, g, m.enterEpoch[g]);
    }

    /** Stops guest execution: pending guest m.events become stale, the handler is paused. */
    void leaveGuest(int g, long t) {
        if (m.state[g] != ST_GUEST) {
            return;
        }
        m.guestEpoch[g]++;
        if (m.handlerSlot[g] >= 0) {
            m.handlerRemaining[g] = Math.max(0, m.handlerUntil[g] - t);
        }
        int a = m.ackSlot[g];
        if (a >= 0) {
            // The vIRQ exception had not completed: the interrupt is still pending.
            m.setPhase(a, t, C_MASK);
            m.ackSlot[g] = -1;
        }
    }

    void enter(int g) {
        long t = m.now;
        // kvm_entry is traced before the restore and ERET that the entry cost stands for.
        m.closeExit(g, t - m.entryNs);
        flush(g);
        m.state[g] = ST_GUEST;
        m.guestEpoch[g]++;
        for (int i = 0; i < m.apLen[g]; i++) {
            int s = m.ap[g][i];
            if (m.sActive[s]) {
                continue;
            }
            m.setPhase(s, t, (m.sDirect[s] || m.sLr[s] >= 0) ? C_MASK : C_LR_WAIT);
        }
        if (m.handlerSlot[g] >= 0) {
            m.handlerUntil[g] = t + Math.max(0, m.handlerRemaining[g]);
            m.handlerRemaining[g] = -1;
            m.events.push(m.handlerUntil[g], EV_EOI, g, m.guestEpoch[g]);
        } else {
            m.guest.tryDeliver(g, t);
        }
    }

    /**
     * KVM's classic vgic_flush_lr_state: fold what the guest left (empty LRs are released), sort the
     * ap_list (pending before active, then priority, then HW before SW, then age), fill up to m.nLr
     * LRs, and set ICH_HCR_EL2.UIE when entries remain outside the LRs.
     */
    void flush(int g) {
        VirtualCpuInterface v = m.vgic[g];
        int base = g * m.nLr;
        for (int i = 0; i < m.nLr; i++) {
            m.lrSlot[base + i] = -1;
            v.setLr(i, 0);
        }
        int[] a = m.ap[g];
        int n = m.apLen[g];
        for (int i = 0; i < n; i++) {
            m.sLr[a[i]] = -1;
        }
        for (int i = 1; i < n; i++) {
            int x = a[i];
            int j = i - 1;
            while (j >= 0 && before(x, a[j])) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = x;
        }
        int used = 0;
        int sw = 0;
        for (int i = 0; i < n; i++) {
            int s = a[i];
            if (m.sDirect[s]) {
                continue;
            }
            sw++;
            if (used == m.nLr || (!m.sActive[s] && m.twinOf(g, s) >= 0)) {
                // A re-triggered edge interrupt shares its active instance's LR (Pending+Active).
                continue;
            }
            int st = IchLr.STATE_PENDING;
            if (m.sActive[s]) {
                int twin = m.twinOf(g, s);
                st = IchLr.STATE_ACTIVE;
                if (twin >= 0 && !m.sHw[s]) {
                    st = IchLr.STATE_PENDING_ACTIVE;
                    m.sLr[twin] = used;
                }
            }
            v.setLr(used, IchLr.encode(m.sIntid[s], st, m.sPrio[s], true, m.sHw[s], m.sIntid[s], m.sLevel[s] && !m.sHw[s]));
            m.lrSlot[base + used] = s;
            m.sLr[s] = used;
            used++;
        }
        int hcr = VirtualCpuInterface.HCR_EN | (v.hcr() & (0x1F << VirtualCpuInterface.HCR_EOICOUNT_SHIFT));
        if (sw > m.nLr) {
            hcr |= VirtualCpuInterface.HCR_UIE;
        }
        v.setHcr(hcr);
    }

    boolean before(int x, int y) {
        boolean px = !m.sActive[x];
        boolean py = !m.sActive[y];
        if (px != py) {
            return px;
        }
        if (m.sPrio[x] != m.sPrio[y]) {
            return m.sPrio[x] < m.sPrio[y];
        }
        if (m.sHw[x] != m.sHw[y]) {
            return m.sHw[x];
        }
        return m.sSeq[x] < m.sSeq[y];
    }
}
