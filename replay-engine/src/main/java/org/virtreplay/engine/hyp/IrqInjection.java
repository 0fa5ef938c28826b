package org.virtreplay.engine.hyp;

import static org.virtreplay.engine.hyp.Hypervisor.SOURCE_IPI;
import static org.virtreplay.engine.hyp.Hypervisor.SOURCE_TIMER;
import static org.virtreplay.engine.hyp.Hypervisor.ST_BLOCKED;
import static org.virtreplay.engine.hyp.Hypervisor.ST_GUEST;
import static org.virtreplay.engine.hyp.Hypervisor.ST_HOST;
import static org.virtreplay.engine.hyp.Hypervisor.ST_RUNNABLE;
import static org.virtreplay.engine.hyp.HypState.EV_KICK;
import static org.virtreplay.engine.hyp.HypState.EV_QUEUED;
import static org.virtreplay.engine.hyp.IrqLatencyStats.CLASS_IPI;
import static org.virtreplay.engine.hyp.IrqLatencyStats.CLASS_LPI;
import static org.virtreplay.engine.hyp.IrqLatencyStats.CLASS_SPI;
import static org.virtreplay.engine.hyp.IrqLatencyStats.CLASS_TIMER;
import static org.virtreplay.engine.hyp.IrqLatencyStats.COMPONENTS;
import static org.virtreplay.engine.hyp.IrqLatencyStats.C_EXIT;
import static org.virtreplay.engine.hyp.IrqLatencyStats.C_INJECT;
import static org.virtreplay.engine.hyp.IrqLatencyStats.C_MASK;
import static org.virtreplay.engine.hyp.IrqLatencyStats.C_SCHED;

import org.virtreplay.engine.gic.IntId;

/**
 * Handler of {@code irq} events: KVM's injection path. Computes the host-side path of each source
 * (device irqfd, timer exit, trapped SGI write, GICv4.1 direct delivery), queues the interrupt on
 * the target vCPU's ap_list and kicks the vCPU (IPI when it runs in the guest, wake-up when blocked).
 */
final class IrqInjection {
    private final HypState m;

    IrqInjection(HypState m) {
        this.m = m;
    }

    void onIrqImpl(long ts, int intid, int vm, int vcpu, int source, int sourceVcpu, boolean level,
            boolean assertion, int priority, long observedAckTs, long observedEoiTs) {
        if (!IntId.isValid(intid)) {
            throw new IllegalArgumentException("INTID " + intid + " is special or reserved (1020-8191)");
        }
        int g = m.gOf(vm, vcpu < 0 ? 0 : vcpu);
        int cls = classify(intid, source);
        if (!assertion) {
            if (level) {
                withdraw(g, intid);
            }
            return;
        }
        for (int i = 0; i < m.apLen[g]; i++) {
            int s = m.ap[g][i];
            if (m.sIntid[s] == intid && !m.sActive[s]) {
                m.stats.coalesced[g]++;
                return;
            }
        }
        int s = m.allocSlot();
        m.sIntid[s] = intid;
        m.sG[s] = g;
        m.sCls[s] = cls;
        m.sPrio[s] = priority & 0xFF;
        m.sLevel[s] = level;
        m.sHw[s] = cls == CLASS_TIMER && IntId.isPpi(intid);
        m.sActive[s] = false;
        m.sLr[s] = -1;
        m.sAssert[s] = ts;
        m.sSeq[s] = m.seqCounter++;
        m.sObsAck[s] = observedAckTs;
        m.sObsEoi[s] = observedEoiTs;
        for (int c = 0; c < COMPONENTS; c++) {
            m.sComp[s * COMPONENTS + c] = 0;
        }
        m.sDirect[s] = m.cfg.gicV41() && (cls == CLASS_LPI || cls == CLASS_IPI);
        int base = s * COMPONENTS;
        long tq;
        int sender = -1;
        if (cls == CLASS_IPI && sourceVcpu >= 0 && sourceVcpu < m.vcpus[vm]) {
            sender = m.vmBase[vm] + sourceVcpu;
        }
        if (cls == CLASS_IPI) {
            // The sender's ICC_SGI1R_EL1 write traps to EL2 even with GICv4.1 (arm-reference §11.6).
            long t = ts;
            if (sender >= 0 && m.state[sender] == ST_GUEST) {
                m.run.exitGuest(sender, ts, ExitReason.SYS64, -1);
                m.run.addHostWork(sender, m.hostFree[sender], m.injectNs);
                m.sComp[base + C_EXIT] += m.exitNs;
                t = ts + m.exitNs;
            }
            m.sComp[base + C_INJECT] += m.injectNs;
            tq = t + m.injectNs;
            if (m.sDirect[s]) {
                m.sComp[base + C_INJECT] += m.directNs;
                tq += m.directNs;
            }
        } else if (m.sDirect[s]) {
            m.sComp[base + C_INJECT] += m.directNs;
            tq = ts + m.directNs;
        } else if (cls == CLASS_TIMER && (m.state[g] == ST_GUEST || m.state[g] == ST_HOST)) {
            // The physical timer PPI fires on the PE running the vCPU: exit there, inject, re-enter.
            long start;
            if (m.state[g] == ST_GUEST) {
                m.run.exitGuest(g, ts, ExitReason.IRQ, -1);
                m.sComp[base + C_EXIT] += m.exitNs;
                start = m.hostFree[g];
            } else {
                start = Math.max(ts, m.hostFree[g]);
            }
            tq = start + m.injectNs;
            m.sComp[base + C_INJECT] += tq - ts - m.sComp[base + C_EXIT];
            m.run.addHostWork(g, start, m.injectNs);
        } else if (cls == CLASS_TIMER) {
            // vCPU not loaded: KVM's soft timer fires on the host and injects; the kick wakes it.
            m.sComp[base + C_INJECT] += m.injectNs;
            tq = ts + m.injectNs;
        } else {
            // Device SPI/LPI: host IRQ handling and irqfd on a host CPU, then injection and kick.
            m.sComp[base + C_INJECT] += m.deviceHostNs + m.injectNs;
            tq = ts + m.deviceHostNs + m.injectNs;
        }
        m.sPhase[s] = C_INJECT;
        m.sPreComp[s] = C_INJECT;
        m.sPhaseStart[s] = tq;
        m.events.push(tq, EV_QUEUED, s, 0);
    }

    static int classify(int intid, int source) {
        if (source == SOURCE_TIMER || intid == IntId.VTIMER_PPI || intid == IntId.PTIMER_PPI) {
            return CLASS_TIMER;
        }
        if (IntId.isSgi(intid) || source == SOURCE_IPI) {
            return CLASS_IPI;
        }
        if (IntId.isLpi(intid)) {
            return CLASS_LPI;
        }
        return CLASS_SPI;
    }

    void withdraw(int g, int intid) {
        for (int i = 0; i < m.apLen[g]; i++) {
            int s = m.ap[g][i];
            if (m.sIntid[s] == intid && !m.sActive[s] && m.sLr[s] < 0 && m.ackSlot[g] != s) {
                m.apRemove(g, s);
                m.freeSlot(s);
                m.stats.withdrawn[g]++;
                return;
            }
        }
    }

    void onQueued(int s) {
        int g = m.sG[s];
        long t = m.now;
        m.apAppend(g, s);
        int st = m.state[g];
        if (m.sDirect[s]) {
            if (st == ST_GUEST) {
                m.setPhase(s, t, C_MASK);
                m.guest.tryDeliver(g, t);
            } else if (st == ST_RUNNABLE || st == ST_BLOCKED) {
                // Non-resident vPE: the doorbell LPI reaches the host, which wakes the vCPU.
                m.setPhase(s, t, C_SCHED);
                if (st == ST_BLOCKED) {
                    m.sched.wake(g, t + m.doorbellNs);
                }
            }
            return;
        }
        switch (st) {
            case ST_GUEST -> m.events.push(t + m.ipiNs, EV_KICK, g, 0);
            case ST_HOST -> {
                // Picked up by the pending entry.
            }
            case ST_RUNNABLE -> m.setPhase(s, t, C_SCHED);
            default -> {
                m.setPhase(s, t, C_SCHED);
                m.sched.wake(g, t);
            }
        }
    }

    void onKick(int g) {
        if (m.state[g] != ST_GUEST) {
            return;
        }
        long t = m.now;
        m.run.exitGuest(g, t, ExitReason.IRQ, -1);
        for (int i = 0; i < m.apLen[g]; i++) {
            int s = m.ap[g][i];
            if (!m.sActive[s] && m.sLr[s] < 0 && m.sPhase[s] == C_INJECT && m.ackSlot[g] != s) {
                m.account(s, t);
                m.sComp[s * COMPONENTS + C_EXIT] += m.exitNs;
                m.sPhaseStart[s] = t + m.exitNs;
                m.sPreComp[s] = C_EXIT;
            }
        }
    }
}
