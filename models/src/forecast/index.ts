export { QUANTILES, fitQuantileMlp, predictMlp, pinballOf, type MlpWeights, type MlpOptions, type MlpFit } from "./mlp.js";
export {
  contexts,
  forecastBuckets,
  mainMethod,
  predictEnsemble,
  chooseShrink,
  shrunk,
  blended,
  HOURLY_BLEND,
  NAIVE_ONLY,
  MIN_BAND_ERRORS_DAILY,
  MIN_BAND_ERRORS_HOURLY,
  type BlendChoice,
  trainForecastModel,
  trainingRows,
  type TrainingRows,
  type ForecastMethod,
  type ForecastModel,
  type ForecastPoint,
  type GrainModel,
  type TrainOptions,
} from "./forecaster.js";
export { ForecastTrainer, trainerWorkerPath, type TrainJob } from "./trainer.js";
