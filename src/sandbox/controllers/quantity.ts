// The quantity parser moved to src/internal (the constructs validate resources with it too); kept here so the
// sandbox's and the CLI's imports still resolve.
export { milliCpu, quantityValue, scaledQuantity } from '../../internal/quantity';
