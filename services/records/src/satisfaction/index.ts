export { projectSatisfactionResponse, satisfactionResponsesBetween } from './satisfaction.projection';
export { satisfactionSlice } from './satisfaction.slice';
