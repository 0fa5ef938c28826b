package org.virtreplay.ingest.trace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Hand-written traces for the tests. */
final class Fixtures {
    private Fixtures() {
    }

    /**
     * A trace with every table, in canonical CSV (what {@code ingest --to csv} writes: lower-case
     * hex, decimal sizes, empty for absent, minimal quoting), with edge values: ts 0 and 2^63-1,
     * addresses 0, 0x7fffffffffffffff and 0xffffffffffffffff, empty optional fields, quoted text.
     */
    static Map<String, String> edgeTrace() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("manifest.csv", "key,value\nformat_version,1\ntime_unit,ns\nclock,synthetic\npe_count,4\n"
                + "name,\"edge, values\"\npe.1.mpidr,0x100\n");
        t.put("vms.csv", "vm,name,vcpus,ipa_bits,vmid\n0,\"web, \"\"front\"\"\",2,40,\n1,db,1,48,7\n");
        t.put("memslots.csv", "vm,slot,ipa,size,kind,pa,s2_page_size\n0,0,0x0,1073741824,ram,,2097152\n"
                + "0,1,0x40000000,4096,mmio,,\n1,0,0x80000000,1073741824,device,0x8000000000,4096\n");
        t.put("sysreg.csv", "ts,pe,vm,vcpu,el,reg,value\n1,0,0,0,1,TTBR0_EL1,0x1000040000000\n"
                + "2,-1,0,-1,2,VTTBR_EL2,0xffffffffffffffff\n");
        t.put("pte.csv", "ts,vm,pa,value\n3,,0x40001000,0x0\n4,1,0x8,0x7fffffffffffffff\n");
        t.put("map.csv", "ts,vm,stage,root,asid,ia,oa,size,perm,memtype,ng,op\n"
                + "1,0,1,0x40000000,5,0x400000,0x200000,2097152,rwu,normal_wb,1,map\n"
                + "2,0,2,,,0x0,0x80000000,4096,rx,device_ngnre,,map\n"
                + "3,0,1,0x40000000,,0x1000,,4096,,,0,unmap\n");
        t.put("mem.csv", "ts,vm,vcpu,el,access,va,size\n0,0,0,0,r,0x0,1\n5,0,1,1,w,0xffffffffffffffff,8\n"
                + "5,0,0,1,x,0xffff800000001000,4\n9223372036854775807,1,0,2,rw,0x7fffffffffffffff,4096\n");
        t.put("tlbi.csv", "ts,pe,vm,vcpu,op,asid,addr,ttl,pages\n1,0,0,0,VAE1IS,5,0x400000,3,\n"
                + "2,1,0,-1,RIPAS2E1IS,,0x0,,32\n3,1,0,-1,DSB_ISH,,,,\n");
        t.put("irq.csv", "ts,intid,vm,vcpu,source,source_vcpu,trigger,event,priority,ack_ts,eoi_ts\n"
                + "10,27,0,0,timer,-1,level,assert,,12,20\n11,3,0,1,ipi,0,edge,assert,160,,\n"
                + "12,40,0,-1,device,-1,level,deassert,0,,\n13,8192,1,0,its,-1,edge,assert,255,13,13\n");
        t.put("sched.csv", "ts,pe,vm,vcpu,event\n0,0,0,0,run\n0,1,0,1,run\n7,-1,0,1,block\n8,-1,0,1,wake\n");
        t.put("daif.csv", "ts,vm,vcpu,event\n3,0,0,mask\n4,0,0,unmask\n");
        // the observation tables: an exit with every column, one with only the required ones
        t.put("exits.csv", "ts,vm,vcpu,pe,type,ec,ec_name,esr,pc,ipa,far,duration_ns\n"
                + "6,0,1,3,TRAP,0x24,DABT_LOW,0x93c08007,0xffff800080001004,0x9000000,0xffffffffffffffff,"
                + "9223372036854775807\n7,1,0,-1,,,,,,,,\n");
        t.put("spe_samples.csv", "ts,vm,vcpu,pe,el,op,pc,va,pa,tlb,l1d,llc,total_cycles,issue_cycles,xlat_cycles,"
                + "events,data_src\n0,0,-1,0,0,store,0x0,0xffffffffffffffff,0x8000000000,miss,hit,miss,2147483647,0,"
                + "20,\"l1d-access;tlb-access,tlb-miss\",|OP STORE|LVL L1 hit\n9223372036854775807,1,0,-1,,,,,,,,,,,,,\n");
        return t;
    }

    static Path write(Path dir, Map<String, String> files) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> e : files.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue().getBytes(StandardCharsets.UTF_8));
        }
        return dir;
    }
}
