package miniserve.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import miniserve.train.TrainingCheckpoint;

/**
 * A training chain written down ({@code weights/recipe.json}): the shipped model is the last of
 * several legs, each a {@code train} run that starts from the model the leg before it wrote
 * ({@code --init-from}). {@link #run} re-runs the chain from scratch, leg by leg, each in its own
 * folder, so that a chain of many hours can be run across several sittings. The decoding settings
 * chosen for the final model after training ({@code generation_config}, the copy bias chosen on a
 * tuning set) are written beside it as {@code generation_config.json}.
 */
record TrainingRecipe(String description, List<Leg> legs, @JsonProperty("generation_config") JsonNode generationConfig) {

    /** One leg: the {@code train} options it was run with, and what it was for. */
    record Leg(String name, String note, List<String> args) {}

    /** Options the recipe sets itself for every leg. */
    private static final Set<String> RESERVED = Set.of("--out", "--checkpoint-dir", "--init-from", "--recipe",
            "--recipe-dir", "--resume", "--fresh", "--speed-test");
    static final String DONE_FILE = "leg-done";

    TrainingRecipe {
        if (legs == null || legs.isEmpty()) throw new IllegalArgumentException("the recipe lists no leg");
        for (Leg leg : legs) {
            if (leg.args() == null) throw new IllegalArgumentException("leg '" + leg.name() + "' has no \"args\"");
            for (String a : leg.args())
                if (RESERVED.contains(a))
                    throw new IllegalArgumentException("leg '" + leg.name() + "' sets " + a + ", which the recipe sets itself");
        }
    }

    static TrainingRecipe load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no recipe file " + file);
        try {
            return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                    .readValue(file.toFile(), TrainingRecipe.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("bad recipe " + file + ": " + e.getOriginalMessage());
        }
    }

    /**
     * Runs every leg not done yet: leg i in {@code dir/leg-i} (its model in {@code out}, its
     * checkpoint in {@code checkpoint}), the last leg's model also to {@code finalOut}. Returns the
     * exit code of the first leg that failed, or 0.
     */
    int run(Path dir, Path finalOut, PrintWriter out, PrintWriter err) throws IOException {
        Path previous = null;
        for (int i = 0; i < legs.size(); i++) {
            Leg leg = legs.get(i);
            Path legDir = dir.resolve("leg-" + i), legOut = legDir.resolve("out"), ckpt = legDir.resolve("checkpoint");
            if (Files.exists(legDir.resolve(DONE_FILE))) {
                out.printf("leg %d (%s): done in %s, skipped%n", i, leg.name(), legOut);
            } else {
                boolean resume = TrainingCheckpoint.exists(ckpt);
                out.printf("leg %d (%s): %s%n", i, leg.name(), resume ? "resuming from " + ckpt : "starting");
                out.flush();
                List<String> args = new ArrayList<>(List.of("train", "--out", legOut.toString(), "--checkpoint-dir", ckpt.toString()));
                if (resume) args.add("--resume");
                else if (previous != null) args.addAll(List.of("--init-from", previous.toString()));
                args.addAll(leg.args());
                picocli.CommandLine cl = Main.commandLine();
                cl.setOut(out);
                cl.setErr(err);
                int exit = cl.execute(args.toArray(String[]::new));
                if (exit != 0) return exit;
                Files.writeString(legDir.resolve(DONE_FILE), String.join(" ", args) + "\n");
            }
            previous = legOut;
        }
        copyModel(previous, finalOut);
        if (generationConfig != null)
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(finalOut.resolve("generation_config.json").toFile(), generationConfig);
        out.printf("the chain's model is in %s%n", finalOut);
        return 0;
    }

    private static void copyModel(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList())
                if (Files.isRegularFile(f))
                    Files.copy(f, to.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
