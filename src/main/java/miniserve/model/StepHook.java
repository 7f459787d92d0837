package miniserve.model;

import java.util.function.Consumer;

/**
 * Watches a generation pass by pass: how a server checks its requests at every step (cancelled by
 * the client, past their deadline) and records what each pass computed. Called on the model thread.
 */
public interface StepHook {

    /**
     * Whether row {@code row}'s answer is still wanted; asked before every pass. A row that is not is
     * treated as ended from then on: it produces nothing more, and what it still computes is waste.
     */
    boolean wanted(int row);

    /** After every forward pass. */
    void stepDone(Step step);

    /** Every row wanted, every pass handed to {@code onStep}. */
    static StepHook observing(Consumer<Step> onStep) {
        return new StepHook() {
            @Override
            public boolean wanted(int row) {
                return true;
            }

            @Override
            public void stepDone(Step step) {
                onStep.accept(step);
            }
        };
    }

    /** Every row wanted, nothing recorded. */
    StepHook NONE = new StepHook() {
        @Override
        public boolean wanted(int row) {
            return true;
        }

        @Override
        public void stepDone(Step step) {}
    };
}
