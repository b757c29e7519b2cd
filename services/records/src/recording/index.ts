export { recordingSlice } from './recording.slice';
