/// The `train --help` summary of every configuration key (defaults: `--print-default-config`).
enum ConfigDocumentation {
    static let text = """
      name, version            model name and version: Models/<name>/<version>/ (ser-cnn, 1)
      manifest                 manifest.csv of the corpora (../shared/data/manifest.csv)
      label_map                labels, corpus-label map, dropped labels (call-centre 7 classes)
      feature_config           FeatureConfig of the front end (16 kHz, 64 mel, 25/10 ms)
      features, layout         input rows (log_mel, pitch, voicing, energy) and layout (channels_by_time)
      window_seconds           service scoring window (6.0); crop_seconds training crop (3.0)
      trim_silence_db, dither_db   edge-silence trimming (50 dB below the peak frame) and dither (-75 dBFS)
      layers                   network layers after the input (compact conv1d CNN + attentive pooling)
      epochs, batch_size       30, 32
      optimizer                adam | adamw (adamw); weight_decay (0.05)
      learning_rate            peak rate (1e-3); minimum_learning_rate (2e-5)
      schedule                 cosine | step; warmup_epochs (1); step_epochs (10), step_gamma (0.3)
      label_smoothing          0.1; class_weighting balanced | none (balanced)
      gradient_clip_norm       global gradient norm limit (5; 0 = off)
      early_stopping_patience  epochs without a better validation UA before stopping (12; 0 = never)
      seed                     every random choice (20260101)
      telephone_probability    share of training examples through the telephone channel (0.5)
      gain_db                  random gain ±dB (6)
      time_masks, max_time_mask_frames, frequency_masks, max_frequency_mask_bands   SpecAugment (2, 20, 2, 8)
      folds                    speaker folds of the cross-validation (4; 0 = none)
      validation_fraction      share of training speakers for early stopping and temperature (0.15)
      prefetch_batches, blas_threads, feature_threads   machinery (4, 1, 2)
    """
}
