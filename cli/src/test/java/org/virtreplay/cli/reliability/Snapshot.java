package org.virtreplay.cli.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/** What a directory tree holds: each relative path with its content's SHA-256 ("dir" for directories). */
record Snapshot(Map<String, String> entries) {

    static Snapshot of(Path root) {
        Map<String, String> m = new TreeMap<>();
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return new Snapshot(m);
        }
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            m.put("", sha(root));
            return new Snapshot(m);
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                String rel = root.relativize(p).toString();
                m.put(rel, Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir" : sha(p));
            }
        } catch (NoSuchFileException e) {
            // a file that went away while walking: the command is still running (kill tests); walk again
            return of(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Snapshot(m);
    }

    /** The relative paths under {@code root}, without reading any file (cheap enough to poll). */
    static Set<String> paths(Path root) {
        Set<String> out = new TreeSet<>();
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.equals(root)) {
                    out.add(root.relativize(p).toString());
                }
            }
        } catch (NoSuchFileException e) {
            // a file that went away while walking: the command is still running; walk again
            return paths(root);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return paths(root);
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static String sha(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchFileException e) {
            return "gone";
        } catch (IOException e) {
            return "unreadable";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The top-level names (first path element) of this snapshot. */
    Set<String> topNames() {
        Set<String> s = new TreeSet<>();
        for (String k : entries.keySet()) {
            int i = k.indexOf('/');
            s.add(i < 0 ? k : k.substring(0, i));
        }
        return s;
    }

    /** Paths added, removed or changed from {@code before} to this, each prefixed with +, - or ~. */
    List<String> diff(Snapshot before) {
        List<String> d = new ArrayList<>();
        for (var e : entries.entrySet()) {
            String old = before.entries.get(e.getKey());
            if (old == null) {
                d.add("+" + e.getKey());
            } else if (!old.equals(e.getValue())) {
                d.add("~" + e.getKey());
            }
        }
        for (String k : before.entries.keySet()) {
            if (!entries.containsKey(k)) {
                d.add("-" + k);
            }
        }
        return d;
    }
}
