// The kit story page: every quote with a recording plays in place, with its subtitles.
import { mountClips } from "./clip-player.js";

mountClips();
