package io.touchpoint.frt;

import io.touchpoint.window.PartialPanes;

/**
 * First-response samples as partial panes: partials merge as sorted multisets of samples (linear merges), so the
 * percentiles of the merged pane are exactly those of all the samples; a retraction removes one equal sample.
 */
public class ReplyPartials implements PartialPanes<ReplySample, ReplyPartial> {

    private static final long serialVersionUID = 1L;

    @Override
    public Class<ReplyPartial> partialType() {
        return ReplyPartial.class;
    }

    @Override
    public String channelOf(ReplySample element) {
        return element.channel;
    }

    @Override
    public long timeOf(ReplySample element) {
        return element.stop;
    }

    @Override
    public boolean retracts(ReplySample element) {
        return element.retracted;
    }

    @Override
    public ReplyPartial of(ReplySample element) {
        return ReplyPartial.of(element);
    }

    @Override
    public void add(ReplyPartial partial, ReplySample element) {
        partial.samples.add(element);
    }

    @Override
    public boolean isRetraction(ReplyPartial partial) {
        return partial.retracted;
    }

    @Override
    public ReplyPartial copy(ReplyPartial partial) {
        ReplyPartial c = new ReplyPartial();
        c.channel = partial.channel;
        c.minute = partial.minute;
        c.retracted = partial.retracted;
        c.samples.merge(partial.samples);
        return c;
    }

    @Override
    public void merge(ReplyPartial into, ReplyPartial other) {
        into.samples.merge(other.samples);
    }

    @Override
    public boolean takeBack(ReplyPartial from, ReplyPartial retraction) {
        return retraction.takeBackFrom(from.samples);
    }

    @Override
    public boolean isEmpty(ReplyPartial partial) {
        return partial.samples.count == 0;
    }

    @Override
    public void seal(ReplyPartial partial) {
        partial.samples.sort();
    }
}
