# Tensors run on the GPU (WebGL2); .numpy() reads them back.
import webflow as tf

x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
print("x @ x =", tf.matmul(x, x).numpy().tolist())
print("softmax of each row:\n", tf.nn.softmax(x).numpy())

w = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = w * w + 2.0 * w
[dy_dw] = tape.gradient(y, [w])
print("dy/dw at w = 3:", float(dy_dw))  # 2w + 2 = 8

tf.config.get_backend()
