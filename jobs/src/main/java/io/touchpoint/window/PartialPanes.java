package io.touchpoint.window;

import java.io.Serializable;

/**
 * What the pre-aggregation of a channel's minute panes needs of one measurement: how an element becomes a partial
 * pane of its (channel, minute), and how partials are added together and take an element back. Partials must add up
 * exactly to the pane the elements would have made one by one (counts add; samples merge as multisets), so the
 * windows built from them equal windows built from the elements.
 *
 * @param <IN> the elements, e.g. interactions
 * @param <P> the partial pane of one channel and minute, a Flink POJO
 */
public interface PartialPanes<IN, P extends MinutePartial> extends Serializable {

    Class<P> partialType();

    String channelOf(IN element);

    long timeOf(IN element);

    /** Whether the element takes back an equal one added before (a measurement a late event revised). */
    default boolean retracts(IN element) {
        return false;
    }

    /** A new partial holding just this element, marked as a retraction when the element is one. */
    P of(IN element);

    /** Adds a (not retracting) element to a partial of its channel and minute. */
    void add(P partial, IN element);

    /** Whether the partial takes back its single element instead of adding it. */
    default boolean isRetraction(P partial) {
        return false;
    }

    /** A copy to keep as state (with object reuse the input object is overwritten by the next record). */
    P copy(P partial);

    /** Adds every element of {@code other} (not a retraction) to {@code into}. */
    void merge(P into, P other);

    /**
     * Removes the element of {@code retraction} from {@code from}.
     *
     * @return false when {@code from} holds no equal element: then it was sent on before and the retraction follows it
     */
    default boolean takeBack(P from, P retraction) {
        return false;
    }

    boolean isEmpty(P partial);

    /** Puts a partial in the form it is sent in (e.g. samples sorted, so that merging it is linear). */
    default void seal(P partial) {}
}
