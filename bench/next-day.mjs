// Loaded with `node --import` for the benchmark's "next day" build: every clock reading in the
// build is a day later, as the first build of a daily deploy would see it. Nothing else changes.
const DAY = 86_400_000;
const RealDate = Date;
globalThis.Date = class extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + DAY);
    else super(...args);
  }
  static now() {
    return RealDate.now() + DAY;
  }
};
