package org.virtreplay.engine.hyp;

import static org.virtreplay.engine.hyp.Hypervisor.ST_GUEST;
import static org.virtreplay.engine.hyp.HypState.EV_ACK;
import static org.virtreplay.engine.hyp.HypState.EV_EOI;
import static org.virtreplay.engine.hyp.IrqLatencyStats.COMPONENTS;
import static org.virtreplay.engine.hyp.IrqLatencyStats.C_EXIT;
import static org.virtreplay.engine.hyp.IrqLatencyStats.C_INJECT;
import static org.virtreplay.engine.hyp.IrqLatencyStats.C_LR_WAIT;
import static org.virtreplay.engine.hyp.IrqLatencyStats.C_MASK;
import static org.virtreplay.engine.hyp.IrqLatencyStats.C_SCHED;

import org.virtreplay.engine.gic.IchLr;
import org.virtreplay.engine.gic.IntId;
import org.virtreplay.engine.gic.VirtualCpuInterface;

/**
 * The guest's side of the virtual CPU interface: takes the vIRQ when it is signalled and PSTATE.I is
 * clear, reads ICV_IAR1_EL1 (where the latency is recorded), runs its handler with interrupts masked
 * and writes ICV_EOIR1_EL1, which may raise a maintenance interrupt.
 */
final class GuestModel {
    private final HypState m;

    GuestModel(HypState m) {
        this.m = m;
    }

    void tryDeliver(int g, long t) {
        if (m.state[g] != ST_GUEST || m.masked[g] || m.handlerSlot[g] >= 0 || m.ackSlot[g] >= 0) {
            return;
        }
        VirtualCpuInterface v = m.vgic[g];
        int best = -1;
        int bestPrio = 0x100;
        if (v.virqAsserted()) {
            best = m.lrSlot[g * m.nLr + v.hppiIndex()];
            if (best >= 0) {
                bestPrio = m.sPrio[best];
            }
        }
        for (int i = 0; i < m.apLen[g]; i++) {
            int s = m.ap[g][i];
            if (m.sDirect[s] && !m.sActive[s] && m.sPrio[s] < bestPrio && v.canPreempt(m.sPrio[s], true)) {
                best = s;
                bestPrio = m.sPrio[s];
            }
        }
        if (best < 0) {
            return;
        }
        m.ackSlot[g] = best;
        m.setPhase(best, t, C_INJECT);
        m.events.push(t + m.ackNs, EV_ACK, g, m.guestEpoch[g]);
    }

    void ack(int g) {
        long t = m.now;
        int s = m.ackSlot[g];
        m.ackSlot[g] = -1;
        if (s < 0) {
            return;
        }
        if (!m.sDirect[s]) {
            int id = m.vgic[g].readIar1();
            if (id == IntId.SPURIOUS) {
                m.setPhase(s, t, C_MASK);
                return;
            }
            for (int i = 0; i < m.nLr; i++) {
                long lr = m.vgic[g].lr(i);
                int o = m.lrSlot[g * m.nLr + i];
                if (o >= 0 && IchLr.vintid(lr) == id && !m.sActive[o] && (IchLr.active(lr) || IntId.isLpi(id))) {
                    s = o;
                    break;
                }
            }
        }
        m.account(s, t);
        m.sActive[s] = true;
        long lat = t - m.sAssert[s];
        m.stats.record(g, m.sCls[s], lat, m.sComp, s * COMPONENTS);
        if (m.sObsAck[s] >= 0) {
            m.stats.recordError(g, t - m.sObsAck[s]);
        }
        if (m.sink != null) {
            int b = s * COMPONENTS;
            m.sink.onAck(m.sAssert[s], t, m.sIntid[s], m.vmOf[g], m.vcpuOf[g], m.sCls[s], m.sComp[b + C_EXIT], m.sComp[b + C_INJECT],
                    m.sComp[b + C_SCHED], m.sComp[b + C_LR_WAIT], m.sComp[b + C_MASK], m.sObsAck[s]);
        }
        long dur = m.sObsAck[s] >= 0 && m.sObsEoi[s] >= m.sObsAck[s] ? m.sObsEoi[s] - m.sObsAck[s] : m.cost.guestHandlerNs();
        m.handlerSlot[g] = s;
        m.handlerUntil[g] = t + dur;
        m.events.push(m.handlerUntil[g], EV_EOI, g, m.guestEpoch[g]);
    }

    void eoi(int g) {
        long t = m.now;
        int s = m.handlerSlot[g];
        m.handlerSlot[g] = -1;
        m.handlerRemaining[g] = -1;
        VirtualCpuInterface v = m.vgic[g];
        if (!m.sDirect[s]) {
            v.writeEoir1(m.sIntid[s]);
            if (m.cfg.guestEoiMode1()) {
                v.writeDir(m.sIntid[s]);
            }
            int l = m.sLr[s];
            if (l >= 0) {
                m.lrSlot[g * m.nLr + l] = -1;
                if (IchLr.pending(v.lr(l))) {
                    // Pending+Active became Pending: the LR m.now stands for the re-triggered instance.
                    int twin = m.twinOf(g, s);
                    if (twin >= 0) {
                        m.lrSlot[g * m.nLr + l] = twin;
                        m.sLr[twin] = l;
                    }
                }
            }
        }
        m.apRemove(g, s);
        m.freeSlot(s);
        if (v.maintenanceAsserted()) {
            m.stats.maintenance[g]++;
            m.run.exitGuest(g, t, ExitReason.IRQ, -1);
            m.run.addHostWork(g, m.hostFree[g], m.miNs);
        } else {
            tryDeliver(g, t);
        }
    }

    void onMask(long ts, int g, boolean mask) {
        m.masked[g] = mask;
        if (!mask) {
            tryDeliver(g, ts);
        }
    }
}
