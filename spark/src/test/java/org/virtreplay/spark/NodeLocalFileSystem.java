package org.virtreplay.spark;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A fault for tests: {@code nodelocal:///x} is {@code /x} on the driver's threads but
 * {@code ROOT/x} on Spark's task threads, as if every executor had a disk of its own — what a
 * {@code file://} output looks like on a cluster whose nodes do not share that directory. In
 * {@code local[N]} the tasks run in the driver's JVM, so the split is made by thread.
 */
public class NodeLocalFileSystem extends RawLocalFileSystem {
    public static final String SCHEME = "nodelocal";
    /** Where task threads' files go; a system property, since Hadoop instantiates the class itself. */
    public static final String ROOT_PROPERTY = "virtreplay.test.nodelocal.root";

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    /**
     * Plain statuses: the raw local filesystem's load their permissions from a {@code file:} URI
     * when asked (as a recursive listing does), which this scheme is not.
     */
    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
        FileStatus[] s = super.listStatus(f);
        for (int i = 0; i < s.length; i++) {
            FileStatus st = s[i];
            s[i] = new FileStatus(st.getLen(), st.isDirectory(), 1, st.getBlockSize(), st.getModificationTime(),
                    st.getPath());
        }
        return s;
    }

    @Override
    public File pathToFile(Path path) {
        File f = super.pathToFile(path);
        if (Thread.currentThread().getName().startsWith("Executor task launch worker")) {
            return new File(System.getProperty(ROOT_PROPERTY), f.getPath());
        }
        return f;
    }
}
